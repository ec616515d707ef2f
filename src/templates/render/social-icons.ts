import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../built-in-templates';

/**
 * Where MJML's <mj-social-element> takes its icons unless the element names its own `src`: a third party's
 * server, which every reader's mail client would then tell when the mail is opened, and from which address.
 */
export const MJML_SOCIAL_ICONS = 'https://www.mailjet.com/images/theme/v1/icons/ico-social/';
/** The same icons, made for this service (templates/social-icons/make.mjs), served at PUBLIC_URL/social-icons/. */
export const SOCIAL_ICONS_DIR = join(TEMPLATES_DIR, 'social-icons');
export const SOCIAL_ICONS_PATH = '/social-icons/';

/** MJML's compiled HTML with its social icons taken from `publicUrl` (this service) instead of Mailjet's server. */
export function ownSocialIcons(html: string, publicUrl: string): string {
  return html.includes(MJML_SOCIAL_ICONS)
    ? html.replaceAll(MJML_SOCIAL_ICONS, `${publicUrl.replace(/\/+$/, '')}${SOCIAL_ICONS_PATH}`)
    : html;
}

/** The icon files, read once: name (`facebook.png`) → bytes. */
export function loadSocialIcons(): Map<string, Buffer> {
  const icons = new Map<string, Buffer>();
  for (const file of readdirSync(SOCIAL_ICONS_DIR))
    if (file.endsWith('.png')) icons.set(file, readFileSync(join(SOCIAL_ICONS_DIR, file)));
  return icons;
}
