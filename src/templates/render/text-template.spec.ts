import { compileTemplate, createHandlebars } from './handlebars-env';
import { deriveTextTemplate, htmlToText, tidyText } from './text-template';

describe('deriveTextTemplate', () => {
  const hb = createHandlebars();
  /** The derived text filled with `data` must equal converting the filled HTML. */
  const agrees = (html: string, data: object) => {
    const derived = deriveTextTemplate(html);
    expect(derived).not.toBeNull();
    const viaTemplate = tidyText(compileTemplate(hb, derived!, false)(data));
    const perRecipient = tidyText(htmlToText(compileTemplate(hb, html, true)(data)));
    expect(viaTemplate).toBe(perRecipient);
    return viaTemplate;
  };

  it('turns an HTML template into a text template with the same mustaches', () => {
    const html = '<body><h1>Hi {{name}}</h1><table>{{#each items}}<tr><td>{{name}}</td><td>{{money price "EUR"}}</td></tr>{{/each}}</table></body>';
    // \uE002 marks a line end after a mustache, where an empty value would leave a trailing space.
    expect(deriveTextTemplate(html)).toBe('Hi {{name}}\uE002\n\n{{#each items}}\n{{name}} {{money price "EUR"}}\uE002\n{{/each}}');
    expect(agrees(html, { name: 'Ada', items: [{ name: 'Mug', price: 5 }, { name: 'Tea', price: 2.5 }] })).toBe('Hi Ada\n\nMug €5.00\nTea €2.50');
  });

  it('keeps a link’s href in the same block when html-to-text moves it after the text', () => {
    const html = '<body>{{#each links}}<p><a href="{{url}}">{{label}}</a></p>{{/each}}</body>';
    expect(agrees(html, { links: [{ url: 'https://a.test', label: 'A' }, { url: 'https://b.test', label: 'B' }] })).toBe('A [https://a.test]\n\nB [https://b.test]');
  });

  it('may drop a whole block with the hidden preheader, and the alt of images stays', () => {
    const html =
      '<body><div style="display:none;font-size:1px">{{#if name}}Hi {{name}}{{/if}}</div><p>Body {{name}}</p><a href="{{url}}"><img src="x.png" alt="{{alt}}"></a></body>';
    expect(agrees(html, { name: 'Ada', url: 'https://a.test', alt: 'Logo' })).toBe('Body Ada\n\nLogo [https://a.test]');
  });

  it('leaves no trailing spaces or blank-line runs where values or blocks are empty', () => {
    const html = '<body><p>Total {{x}}</p><p>Then {{#if vip}}(VIP){{/if}}</p>{{#if a}}<p>A</p>{{/if}}<p>End</p></body>';
    expect(agrees(html, { x: '', vip: false, a: false })).toBe('Total\n\nThen\n\nEnd');
    expect(agrees(html, { x: 'five  ', vip: true, a: true })).toBe('Total five\n\nThen (VIP)\n\nA\n\nEnd');
  });

  it('keeps literal braces literal', () => {
    const html = '<body><p>Write \\{{name}} to get {{name}}; &#123;&#123;x}} too</p></body>';
    expect(agrees(html, { name: 'Ada' })).toBe('Write {{name}} to get Ada; {{x}} too');
  });

  it('gives up (null) where it cannot be faithful', () => {
    expect(deriveTextTemplate('<body>{{{raw}}}</body>')).toBeNull(); // unescaped HTML needs converting per recipient
    expect(deriveTextTemplate('<body><div style="{{#if a}}color:red">x</div>{{/if}}</body>')).toBeNull(); // half a block dropped
    expect(deriveTextTemplate('<body>\uE000 sentinel look-alike {{x}}</body>')).toBeNull();
  });
});
