import { describe, expect, it } from '@jest/globals';
import { builderLimits, expandSelfClosing, formatMjml } from './builder-mjml';

describe('expandSelfClosing', () => {
  it('writes self-closing MJML tags as pairs, whatever their attribute values hold', () => {
    expect(expandSelfClosing('<mj-divider /><mj-image src="a/b.png" alt="1 > 0" /><mj-spacer/>')).toBe(
      '<mj-divider></mj-divider><mj-image src="a/b.png" alt="1 > 0"></mj-image><mj-spacer></mj-spacer>',
    );
  });

  it('leaves HTML inside text alone', () => {
    expect(expandSelfClosing('<mj-text>a<br />b<img src="x" /></mj-text>')).toBe(
      '<mj-text>a<br />b<img src="x" /></mj-text>',
    );
  });
});

describe('formatMjml', () => {
  it('puts structural tags on lines of their own, indented, and keeps text content as it is', () => {
    const oneLine =
      '<mjml><mj-head><mj-attributes><mj-all font-family="Arial"></mj-all><mj-text color="#111"></mj-text></mj-attributes></mj-head>' +
      '<mj-body><!-- hero --><mj-section><mj-column><mj-text>Hi <b>{{subscriber.name}}</b>,<br/>\n  news</mj-text>' +
      '<mj-divider></mj-divider></mj-column></mj-section></mj-body></mjml>';
    expect(formatMjml(oneLine)).toBe(`<mjml>
  <mj-head>
    <mj-attributes>
      <mj-all font-family="Arial" />
      <mj-text color="#111" />
    </mj-attributes>
  </mj-head>
  <mj-body>
    <!-- hero -->
    <mj-section>
      <mj-column>
        <mj-text>Hi <b>{{subscriber.name}}</b>,<br/>
  news</mj-text>
        <mj-divider />
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`);
  });

  it('keeps Handlebars between sections on lines of their own', () => {
    expect(formatMjml('<mj-body> {{#if a}} <mj-section></mj-section> {{/if}} </mj-body>')).toBe(
      '<mj-body>\n  {{#if a}}\n  <mj-section />\n  {{/if}}\n</mj-body>\n',
    );
  });

  it('formats an already formatted document to itself', () => {
    const once = formatMjml(
      '<mjml><mj-body><mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>',
    );
    expect(formatMjml(once)).toBe(once);
  });
});

describe('builderLimits', () => {
  const whats = (mjml: string) =>
    builderLimits(mjml).map((l) => `${l.lost ? 'lost' : 'kept'}: ${l.what.split(' ')[0]}`);

  it('names nothing for what the builder fully handles, Handlebars inside text included', () => {
    expect(
      builderLimits(
        '<mjml><mj-body><mj-section><mj-column><mj-text>{{#if a}}x{{else}}y{{/if}}</mj-text><mj-button href="{{unsubscribeUrl}}">Go</mj-button></mj-column></mj-section></mj-body></mjml>',
      ),
    ).toEqual([]);
  });

  it('names tables as lost, and Handlebars around sections, raw HTML, head settings as kept but code-only', () => {
    const mjml = `<mjml><mj-head><mj-attributes><mj-class name="x" color="red" /></mj-attributes><mj-style>a{}</mj-style></mj-head>
      <mj-body>{{#each items}}<mj-section><mj-column><mj-table><tr><td>{{name}}</td></tr></mj-table></mj-column></mj-section>{{/each}}
      <mj-raw><p>hi</p></mj-raw></mj-body></mjml>`;
    expect(whats(mjml)).toEqual(['lost: Tables', 'kept: Handlebars', 'kept: Raw', 'kept: Default', 'kept: Head']);
  });

  it('does not take Handlebars in a comment for structure', () => {
    expect(builderLimits('<mj-body><!-- {{#if a}} --><mj-section></mj-section></mj-body>')).toEqual([]);
  });
});
