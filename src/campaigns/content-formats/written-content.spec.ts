import { BadRequestException } from '@nestjs/common';
import { fillContentSlot, hasContentSlot } from './content-slot';
import { writtenToHtml } from './written-content';

/** The one message of the 400 `fn` throws. */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestException);
    return ((e as BadRequestException).getResponse() as { message: string[] }).message.join('; ');
  }
  throw new Error('no 400 thrown');
}

describe('writtenToHtml', () => {
  it('Markdown: headings, emphasis, lists, links and Handlebars variables (in text and in link targets) come through', () => {
    const html = writtenToHtml(
      'markdown',
      [
        '# Spring issue',
        '',
        'Hello **{{subscriber.name}}**, _welcome_.',
        '',
        '- one',
        '- two',
        '',
        '1. first',
        '',
        '[Shop](https://shop.example/?u={{subscriber.email}}&x=1) · [Leave]({{unsubscribeUrl}}) · <mail@example.com>',
        '',
        '> quoted',
        '',
        '---',
        '![Cover](https://cdn.example/cover.png)',
      ].join('\n'),
    );
    expect(html).toContain('<h1>Spring issue</h1>');
    expect(html).toContain('<strong>{{subscriber.name}}</strong>');
    expect(html).toContain('<em>welcome</em>');
    expect(html).toMatch(/<ul>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/);
    expect(html).toContain('<ol>');
    expect(html).toContain('href="https://shop.example/?u={{subscriber.email}}&amp;x=1"');
    expect(html).toContain('<a href="{{unsubscribeUrl}}">Leave</a>');
    expect(html).toContain('href="mailto:mail@example.com"');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<hr />');
    expect(html).toContain(
      '<img src="https://cdn.example/cover.png" alt="Cover" style="max-width:100%;height:auto" />',
    );
  });

  it('Markdown: scripts, event handlers, javascript: and data: URLs, styles and frames are removed', () => {
    const html = writtenToHtml(
      'markdown',
      [
        'Hi <script>alert(1)</script> there',
        '',
        '<img src="x" onerror="alert(2)"> <img src="data:image/png;base64,AAAA"> <img src="https://ok.example/a.png" onload="alert(3)">',
        '',
        '[bad](javascript:alert(4)) <a href="javascript:alert(5)">also bad</a> <a href="vbscript:x">vb</a> <a href="/relative">rel</a>',
        '',
        '<p style="color:red" onclick="alert(6)">styled</p><iframe src="https://evil.example"></iframe><style>p{}</style>',
        '',
        '</mj-text></mj-column><mj-raw><script>x</script></mj-raw>',
      ].join('\n'),
    );
    expect(html).not.toMatch(
      /<script|alert\([12356]\)|onerror|onload|onclick|href=|data:|<iframe|evil|style="color|<\/?mj-/i,
    );
    // markdown-it does not make a link of a javascript: target: it stays text
    expect(html).toContain('[bad](javascript:alert(4))');
    expect(html).toContain('Hi  there');
    expect(html).toContain('<img src="https://ok.example/a.png" alt="" style="max-width:100%;height:auto" />');
    expect(html).toContain('<a>also bad</a> <a>vb</a>');
    expect(html).toContain('<a>rel</a>');
    expect(html).toContain('<p>styled</p>');
  });

  it('rich text: the editor’s HTML is cut to the mail subset (h4 becomes h3, b strong, spans and classes go)', () => {
    const html = writtenToHtml(
      'richtext',
      '<h4 class="x">Small</h4><p><b>Bold</b> <i>it</i> <span style="font-size:40px">span</span> <s>gone</s><br>next</p>' +
        '<ul><li><p>item</p></li></ul><img src="javascript:alert(1)"><a href="https://a.example" target="_blank" onmouseover="x">a</a>',
    );
    expect(html).toBe(
      '<h3>Small</h3><p><strong>Bold</strong> <em>it</em> span gone<br />next</p><ul><li><p>item</p></li></ul><a href="https://a.example">a</a>',
    );
  });

  it('only plain variables: blocks, helpers, partials and raw output are refused with the reason', () => {
    for (const bad of ['{{#if x}}a{{/if}}', '{{{subscriber.name}}}', '{{> footer}}', '{{lookup a b}}', '{{else}}']) {
      expect(() => writtenToHtml('markdown', `Hi ${bad}`)).toThrow(BadRequestException);
    }
    expect(messageOf(() => writtenToHtml('richtext', '<p>{{#each items}}x{{/each}}</p>'))).toMatch(
      /^content: only variables like \{\{subscriber\.name\}\} can be used in rich text; \{\{#each items\}\} needs MJML$/,
    );
    expect(messageOf(() => writtenToHtml('richtext', '<script>only this</script>'))).toMatch(/write something/);
  });
});

describe('content slot', () => {
  it('a {{{content}}} placeholder takes the HTML as it is ($ and all)', () => {
    const layout =
      '<mjml><mj-body><mj-section><mj-column><mj-text>{{{ content }}}</mj-text></mj-column></mj-section></mj-body></mjml>';
    expect(hasContentSlot(layout)).toBe(true);
    expect(fillContentSlot(layout, '<p>Costs $& $1</p>')).toBe(
      '<mjml><mj-body><mj-section><mj-column><mj-text><p>Costs $& $1</p></mj-text></mj-column></mj-section></mj-body></mjml>',
    );
  });

  it('a <!-- content --> region is replaced by one section holding the HTML', () => {
    const layout =
      '<mj-body><mj-section>head</mj-section><!-- content: note --><mj-section>sample</mj-section><!-- /content --><mj-section>foot</mj-section></mj-body>';
    const filled = fillContentSlot(layout, '<p>Mine</p>')!;
    expect(filled).not.toContain('sample');
    expect(filled).toMatch(
      /head<\/mj-section><mj-section [^>]*><mj-column><mj-text [^>]*><p>Mine<\/p><\/mj-text><\/mj-column><\/mj-section><mj-section>foot/,
    );
  });

  it('a layout without either has no slot', () => {
    expect(hasContentSlot('<mjml><mj-body><!-- contents --></mj-body></mjml>')).toBe(false);
    expect(fillContentSlot('<mjml><mj-body></mj-body></mjml>', '<p>x</p>')).toBeNull();
  });
});
