import { MjmlCompiler } from './mjml-compiler';
import { loadSocialIcons, MJML_SOCIAL_ICONS, ownSocialIcons } from './social-icons';
import type { AppConfig } from '../../config/app-config';

/** Every network MJML draws an icon for (mjml-social's defaultSocialNetworks), and their -noshare forms. */
const NETWORKS = ['facebook', 'twitter', 'x', 'google', 'pinterest', 'linkedin', 'instagram', 'web', 'snapchat', 'youtube', 'tumblr', 'github', 'xing', 'vimeo', 'medium', 'soundcloud', 'dribbble'];

describe('social icons served by the service, not by Mailjet', () => {
  const compiler = new MjmlCompiler({ publicUrl: 'https://news.example.org/' } as AppConfig);
  const icons = loadSocialIcons();

  it('takes every MJML network’s icon (shared or -noshare) from PUBLIC_URL/social-icons/, and has each file', async () => {
    const names = NETWORKS.flatMap((n) => [n, `${n}-noshare`]);
    const elements = names.map((n) => `<mj-social-element name="${n}" href="https://example.com/${n}">${n}</mj-social-element>`);
    const { html, errors } = await compiler.compile(
      `<mjml><mj-body><mj-section><mj-column><mj-social>${elements.join('')}</mj-social></mj-column></mj-section></mj-body></mjml>`,
    );
    expect(errors).toEqual([]);
    expect(html).not.toContain('mailjet');
    const srcs = [...html.matchAll(/<img[^>]+src="([^"]+)"/g)].map((m) => m[1]);
    expect(srcs).toHaveLength(names.length);
    for (const src of srcs) {
      const match = /^https:\/\/news\.example\.org\/social-icons\/([a-z-]+\.png)$/.exec(src);
      expect(match).not.toBeNull();
      expect(icons.get(match![1])?.subarray(1, 4).toString()).toBe('PNG');
    }
  });

  it('leaves an icon the editor chose (src) and other images alone', () => {
    const html = `<img src="https://cdn.example.org/f.png"><img src="${MJML_SOCIAL_ICONS}web.png">`;
    expect(ownSocialIcons(html, 'http://localhost:3000')).toBe(
      `<img src="https://cdn.example.org/f.png"><img src="http://localhost:3000/social-icons/web.png">`,
    );
  });
});
