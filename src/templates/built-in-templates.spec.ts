import Handlebars from 'handlebars';
import { BuiltInTemplate, loadBuiltInTemplates, sourceOfBuiltIn, TEMPLATES_DIR } from './built-in-templates';
import { MjmlCompiler } from './render/mjml-compiler';
import { RendererService } from './render/renderer.service';
import { htmlToText, tidyText } from './render/text-template';
import { TemplateDataError } from './template-errors';

const templates = loadBuiltInTemplates(TEMPLATES_DIR);
const bySlug = (slug: string) => templates.find((t) => t.slug === slug)!;
const ORDER_SLUGS = ['order-placed', 'order-shipped', 'order-delivered', 'order-cancelled', 'order-refunded'];

describe('built-in templates', () => {
  const renderer = new RendererService(new MjmlCompiler());
  const render = (t: BuiltInTemplate, data: unknown = t.sample) => renderer.renderVersion(sourceOfBuiltIn(t), data);

  it('ships every template the contract names', () => {
    expect(templates.map((t) => t.slug)).toEqual(
      expect.arrayContaining([...ORDER_SLUGS, 'subscription-confirm', 'preferences-link', 'newsletter']),
    );
    for (const t of templates) expect(t.versionId).toMatch(new RegExp(`^file:${t.slug}:[0-9a-f]{64}$`));
  });

  describe.each(templates.map((t) => [t.slug, t] as const))('%s', (_slug, t) => {
    it('compiles without MJML or Handlebars errors, with a text part derived once', async () => {
      const compiled = await renderer.compile(sourceOfBuiltIn(t));
      expect(compiled.errors).toEqual([]);
      expect(compiled.textMode).toBe('derived');
    });

    it('renders its sample; the derived text equals converting the HTML', async () => {
      const out = await render(t);
      expect(out.subject).not.toMatch(/\{\{|[\r\n]/);
      expect(out.html).not.toContain('{{');
      expect(out.text).not.toContain('{{');
      expect(out.text).toBe(tidyText(htmlToText(out.html)));
    });

    it('names each documented required field when it is missing', async () => {
      for (const path of t.required) {
        const data = withoutPath(t.sample, path);
        const expected = `data.${path.replace('*', '0')}`;
        await expect(render(t, data)).rejects.toThrow(TemplateDataError);
        const err = await render(t, data).catch((e: TemplateDataError) => e);
        expect((err as TemplateDataError).messages).toContain(`${expected} is required`);
      }
    });

    it('documents every variable it reads, and requires only what it reads', () => {
      const documented = [...t.required, ...t.optional];
      const undocumented = pathsRead(t.mjml)
        .concat(pathsRead(t.subject))
        .filter((p) => !documented.some((d) => d === p || d.startsWith(`${p}.`) || p.startsWith(`${d}.`)));
      expect(undocumented).toEqual([]);
      const read = [...pathsRead(t.mjml), ...pathsRead(t.subject)];
      expect(t.required.filter((r) => !read.includes(r))).toEqual([]); // requires nothing it does not use
    });
  });

  it.each(ORDER_SLUGS)('%s shows the order number, items, quantities, totals and address in both parts', async (slug) => {
    const t = bySlug(slug);
    const out = await render(t);
    for (const part of [out.html, out.text]) {
      for (const s of ['A-10042', 'Stoneware mug, blue', '× 2', 'Pour-over coffee filter', '€25.00', '€19.90', '€44.90', '€4.90', '€8.53', '€49.80', '12 St James', 'SW1Y 4JH London']) {
        expect(part).toContain(s);
      }
    }
  });

  it('order-shipped carries the carrier, tracking number and tracking link in both parts', async () => {
    const out = await render(bySlug('order-shipped'));
    const url = 'https://www.dhl.com/track?tracking-id=00340434161094042557&lang=en';
    expect(out.html).toContain(`href="${url.replace(/=/g, '&#x3D;').replace('&lang', '&amp;lang')}"`);
    expect(out.text).toContain(`[${url}]`);
    for (const part of [out.html, out.text]) expect(part).toMatch(/DHL, tracking number .*00340434161094042557/);
    expect(out.subject).toBe('Your order A-10042 has shipped');
  });

  it('order-refunded states the refunded amount; order-cancelled the reason', async () => {
    const refunded = await render(bySlug('order-refunded'));
    expect(refunded.subject).toBe('Refund of €25.00 for order A-10042');
    expect(refunded.text).toContain('we have refunded €25.00 for order A-10042. Reason: returned item.');
    const cancelled = await render(bySlug('order-cancelled'));
    expect(cancelled.text).toContain('Reason: an item is out of stock.');
  });

  it('subscription-confirm lists the lists and carries the confirm link', async () => {
    const out = await render(bySlug('subscription-confirm'));
    expect(out.text).toContain(' * Weekly newsletter: new products and stories, every Friday\n * Offers');
    expect(out.text).toContain('Yes, subscribe me [http://localhost:3000/confirm/sample-token]');
    expect(out.html).toContain('href="http://localhost:3000/confirm/sample-token"');
  });

  it('preferences-link carries the preferences link', async () => {
    const out = await render(bySlug('preferences-link'));
    expect(out.text).toContain('Open my preferences [http://localhost:3000/p/sample-token]');
    expect(out.html).toContain('href="http://localhost:3000/p/sample-token"');
  });

  it('newsletter has the unsubscribe link, preferences link and company address in its footer', async () => {
    const t = bySlug('newsletter');
    for (const v of ['{{unsubscribeUrl}}', '{{preferencesUrl}}', '{{companyAddress}}']) expect(t.mjml).toContain(v);
    const out = await render(t);
    expect(out.text).toContain('Unsubscribe [http://localhost:3000/u/sample-token]');
    expect(out.text).toContain('Manage preferences [http://localhost:3000/p/sample-token]');
    expect(out.text).toContain('Example Ltd, 1 High Street');
    expect(out.subject).toBe('News from us, Ada');
  });

  it('formats money and dates by the locale given in the data', async () => {
    const t = bySlug('order-placed');
    const out = await render(t, { ...t.sample, locale: 'de-DE' });
    expect(out.text).toContain('49,80\u00a0€');
    expect(out.text).toContain('4. März 2026');
  });
});

/** A deep copy of `data` without the value at `path` (`*` takes the first element). */
function withoutPath(data: Record<string, unknown>, path: string): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
  const parts = path.split('.').map((p) => (p === '*' ? '0' : p));
  let at: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
  delete at[parts[parts.length - 1]];
  return copy;
}

/** The data paths a template reads, with `{{#each x}}` bodies written as `x.*.field`. */
function pathsRead(source: string): string[] {
  const found = new Set<string>();
  const helpers = new Set(['if', 'unless', 'each', 'with', 'lookup', 'money', 'date']);
  const walk = (node: unknown, base: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, base));
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; original?: string; data?: boolean; path?: { original: string }; params?: unknown[] };
    if (n.type === 'PathExpression' && !n.data && !helpers.has(n.original!)) {
      found.add(n.original === 'this' ? base : base ? `${base}.${n.original}` : n.original!);
    } else if (n.type === 'PathExpression' && n.data && n.original!.startsWith('@root.')) {
      found.add(n.original!.slice('@root.'.length));
    }
    if (n.type === 'BlockStatement' && n.path?.original === 'each') {
      const list = (n.params as Array<{ original: string }>)[0];
      found.add(base ? `${base}.${list.original}` : list.original);
      const inner = `${base ? `${base}.` : ''}${list.original}.*`;
      walk((node as { program: unknown }).program, inner);
      walk((node as { inverse: unknown }).inverse, base);
      return;
    }
    for (const [key, child] of Object.entries(node)) if (key !== 'loc') walk(child, base);
  };
  walk(Handlebars.parse(source), '');
  return [...found];
}
