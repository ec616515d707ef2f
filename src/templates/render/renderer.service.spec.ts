import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateDataError } from '../template-errors';
import { MjmlCompiler } from './mjml-compiler';
import { RendererService, TemplateSource } from './renderer.service';
import { htmlToText, tidyText } from './text-template';

const body = (inner: string) => `<mjml><mj-body><mj-section><mj-column>${inner}</mj-column></mj-section></mj-body></mjml>`;
const source = (mjml: string, extra: Partial<TemplateSource> = {}): TemplateSource => ({ versionId: `v-${Math.random()}`, subject: 'Hi', mjml, ...extra });

describe('RendererService', () => {
  let mjml: MjmlCompiler;
  let renderer: RendererService;
  beforeEach(() => {
    mjml = new MjmlCompiler();
    renderer = new RendererService(mjml);
  });

  describe('Handlebars through MJML', () => {
    it('keeps {{#each}} inside mj-table and mj-text, and expressions in attributes', async () => {
      const out = await renderer.renderVersion(
        source(
          body(`
            <mj-table>{{#each items}}<tr><td>{{name}}</td><td>{{quantity}}</td></tr>{{/each}}</mj-table>
            <mj-text>{{#each tags}}<span>#{{this}}</span>{{/each}}</mj-text>
            <mj-button href="{{url}}" background-color="{{color}}">Go</mj-button>`),
        ),
        { items: [{ name: 'Mug', quantity: 2 }, { name: 'Filter', quantity: 1 }], tags: ['a', 'b'], url: 'https://shop.test/x?a=1&b=2', color: '#ff0000' },
      );
      expect(out.html).toMatch(/<tr><td>Mug<\/td><td>2<\/td><\/tr><tr><td>Filter<\/td><td>1<\/td><\/tr>/);
      expect(out.html).toContain('<span>#a</span><span>#b</span>');
      expect(out.html).toContain('href="https://shop.test/x?a&#x3D;1&amp;b&#x3D;2"');
      expect(out.html).toContain('background:#ff0000');
      expect(out.text).toContain('Mug 2');
      expect(out.text).toContain('Filter 1');
    });

    it('keeps blocks written around whole sections and elements (MJML alone would drop them)', async () => {
      const mjmlSource = `<mjml><mj-body>
        {{#each blocks}}
        <mj-section><mj-column>
          {{#if big}}<mj-text font-size="30px">{{title}}</mj-text>{{else}}<mj-text>{{title}}</mj-text>{{/if}}
        </mj-column></mj-section>
        {{/each}}
      </mj-body></mjml>`;
      const out = await renderer.renderVersion(source(mjmlSource), { blocks: [{ big: true, title: 'First' }, { title: 'Second' }, { title: 'Third' }] });
      expect(out.html).toMatch(/font-size:30px[^>]*>First</);
      expect(out.html).not.toMatch(/font-size:30px[^>]*>Second</);
      expect(out.html.match(/mj-column-per-100/g)?.length).toBeGreaterThanOrEqual(3);
      expect(out.text.split('\n').filter(Boolean)).toEqual(['First', 'Second', 'Third']);
    });

    it('reports a block MJML cannot carry, with its line, instead of rendering a broken template', async () => {
      const mjmlSource = '<mjml>\n<mj-head>{{#if x}}<mj-title>T</mj-title>{{/if}}</mj-head>\n' + body('<mj-text>a</mj-text>').slice('<mjml>'.length);
      const compiled = await renderer.compile(source(mjmlSource));
      expect(compiled.render).toBeNull();
      expect(compiled.errors).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('{{#if x}} does not survive MJML') })]);
    });
  });

  describe('errors', () => {
    it('gives MJML findings with line and tag, and Handlebars syntax errors with line', async () => {
      const preview = await renderer.preview('<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text padding="nope">a</mj-text>\n<mj-foo />\n</mj-column></mj-section></mj-body></mjml>');
      expect(preview.errors).toEqual([
        expect.objectContaining({ line: 5, tagName: 'mj-text', message: expect.stringContaining('Attribute padding has invalid value: nope') }),
        expect.objectContaining({ line: 6, tagName: 'mj-foo', message: expect.stringContaining("mj-foo doesn't exist") }),
      ]);
      expect(preview.html).toContain('<!doctype html>');

      const broken = await renderer.preview(body('\n<mj-text>{{#if a}}x</mj-text>\n{{/each}}'));
      expect(broken.errors[0]).toEqual(expect.objectContaining({ field: 'mjml', line: 2, tagName: null, message: expect.stringContaining("if doesn't match each") }));
    });

    it('refuses unknown helpers and partials at compile time', async () => {
      const compiled = await renderer.compile(source(body('<mj-text>\n{{shout name}} {{> footer}}</mj-text>')));
      expect(compiled.render).toBeNull();
      expect(compiled.errors.map((e) => [e.line, e.message])).toEqual([
        [2, expect.stringContaining('unknown helper "shout"')],
        [2, expect.stringContaining('partials')],
      ]);
    });

    it('names missing required data instead of sending a mail with holes', async () => {
      const s = source(body('<mj-button href="{{order.trackingUrl}}">Track</mj-button>'), { required: ['order.trackingUrl', 'order.items.*.name'] });
      await expect(renderer.renderVersion(s, { order: { items: [{ name: 'a' }, {}] } })).rejects.toThrow(TemplateDataError);
      await expect(renderer.renderVersion(s, { order: { items: [{ name: 'a' }, {}] } })).rejects.toMatchObject({
        messages: ['data.order.trackingUrl is required', 'data.order.items.1.name is required'],
      });
    });
  });

  describe('safety', () => {
    it('escapes subscriber data in HTML', async () => {
      const out = await renderer.renderVersion(source(body('<mj-text>Hello {{name}}</mj-text><mj-image src="x.png" alt="{{name}}" />')), {
        name: '<script>alert(1)</script>"',
      });
      expect(out.html).not.toContain('<script>alert');
      expect(out.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;&quot;');
      expect(out.html).toContain('alt="&lt;script&gt;alert(1)&lt;/script&gt;&quot;"');
      expect(out.text).toContain('Hello <script>alert(1)</script>"'); // the text part is not HTML
    });

    it('gives templates no way to prototypes, constructors, functions or the process', async () => {
      const tricks = '[{{#with this.__proto__}}X{{/with}}][{{lookup this "constructor"}}][{{constructor}}][{{__proto__}}][{{fn}}][{{#each this}}{{@key}};{{/each}}]';
      const out = await renderer.renderVersion(source(body(`<mj-text>${tricks}</mj-text>`), { subject: tricks }), { a: 1, fn: () => 'CALLED' });
      expect(out.html).toContain('[][][][][][a;]');
      expect(out.subject).toBe('[][][][][][a;]');

      const rce = await renderer.compile(source(body('<mj-text>{{constructor.constructor "return process"}}</mj-text>')));
      expect(rce.render).toBeNull();
      expect(rce.errors[0].message).toContain('unknown helper "constructor.constructor"');
      const log = await renderer.compile(source(body('<mj-text>{{log "x"}}{{lookup (lookup this "constructor") "name"}}</mj-text>')));
      expect(log.errors.map((e) => e.message)).toEqual([expect.stringContaining('unknown helper "log"')]);
    });

    it('does not read files through mj-include', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mj-include-'));
      writeFileSync(join(dir, 'part.mjml'), '<mj-text>SECRET-FROM-FILE</mj-text>');
      const cwd = process.cwd();
      process.chdir(dir); // MJML resolves includes from the working directory
      try {
        const out = await renderer.preview(body('<mj-include path="./part.mjml" />'));
        expect(out.html).toContain('<!doctype html>');
        expect(out.html).not.toContain('SECRET-FROM-FILE');
      } finally {
        process.chdir(cwd);
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('never lets a subject carry a line break', async () => {
      const out = await renderer.renderVersion(source(body('<mj-text>x</mj-text>'), { subject: 'Order {{n}}\tfor {{name}}' }), {
        n: 'A1\r\nBcc: victim@example.com',
        name: 'Ada\u2028Lovelace\n',
      });
      expect(out.subject).toBe('Order A1 Bcc: victim@example.com for Ada Lovelace');
      expect(out.subject).not.toMatch(/[\r\n\t]/);
    });
  });

  describe('the cache', () => {
    it('runs MJML once per version and never per recipient', async () => {
      const v1 = source(body('<mj-text>Hello {{name}}</mj-text>'));
      await renderer.renderVersion(v1, { name: 'Ada' });
      expect(mjml.calls).toBe(1);
      const second = await renderer.renderVersion(v1, { name: 'Grace' });
      await Promise.all(Array.from({ length: 20 }, (_, i) => renderer.renderVersion(v1, { name: `n${i}` })));
      expect(mjml.calls).toBe(1);
      expect(second.html).toContain('Hello Grace');

      const v2 = { ...v1, versionId: 'v2', mjml: body('<mj-text>Bonjour {{name}}</mj-text>') };
      expect((await renderer.renderVersion(v2, { name: 'Ada' })).html).toContain('Bonjour Ada');
      expect(mjml.calls).toBe(2);
    });

    it('compiles a version once even when many renders ask at the same time', async () => {
      const v = source(body('<mj-text>{{x}}</mj-text>'));
      await Promise.all(Array.from({ length: 10 }, () => renderer.renderVersion(v, { x: 1 })));
      expect(mjml.calls).toBe(1);
    });

    it('reuses a preview compilation when only the data changes', async () => {
      const mjmlSource = body('<mj-text>Hi {{name}}</mj-text>');
      expect((await renderer.preview(mjmlSource, 's', { name: 'A' })).html).toContain('Hi A');
      expect((await renderer.preview(mjmlSource, 's', { name: 'B' })).html).toContain('Hi B');
      expect(mjml.calls).toBe(1);
    });
  });

  describe('the text part', () => {
    it('is derived once from the HTML and matches converting each recipient’s HTML', async () => {
      const compiled = await renderer.compile(
        source(body('<mj-text><h1>Hi {{name}}</h1><p>Your <a href="{{url}}">order</a> {{#if vip}}(VIP){{/if}}</p></mj-text><mj-table>{{#each items}}<tr><td>{{this}}</td></tr>{{/each}}</mj-table>')),
      );
      expect(compiled.textMode).toBe('derived');
      for (const data of [{ name: 'Ada', url: 'https://a.test/1', vip: true, items: ['x', 'y'] }, { name: 'B & C', url: 'https://b.test', items: [] }]) {
        const out = renderer.fill(compiled, data);
        expect(out.text).toBe(tidyText(htmlToText(out.html)));
      }
      expect(renderer.fill(compiled, { name: 'Ada', url: 'https://a.test/1', items: ['x'] }).text).toBe('Hi Ada\n\nYour order [https://a.test/1]\n\nx');
    });

    it('uses the template’s own text when it has one', async () => {
      const compiled = await renderer.compile(source(body('<mj-text>HTML {{name}}</mj-text>'), { text: 'Plain {{name}} & co' }));
      expect(compiled.textMode).toBe('own');
      expect(renderer.fill(compiled, { name: '<Ada>' }).text).toBe('Plain <Ada> & co');
    });

    it('falls back to converting per recipient when the HTML holds unescaped values', async () => {
      const compiled = await renderer.compile(source(body('<mj-text>{{{content}}}</mj-text>')));
      expect(compiled.textMode).toBe('per-recipient');
      expect(renderer.fill(compiled, { content: '<p>one</p><p>two</p>' }).text).toBe('one\n\ntwo');
    });
  });
});
