import { protectStructuralMustaches } from './mjml-passthrough';

describe('protectStructuralMustaches', () => {
  it('wraps mustaches between elements of mj-body in mj-raw, on the same line', () => {
    const src = '<mjml><mj-head><mj-title>{{t}}</mj-title></mj-head><mj-body>\n{{#each xs}}<mj-section><mj-column>{{#if a}}<mj-text>{{a}}</mj-text>{{/if}}</mj-column></mj-section>{{/each}}\n</mj-body></mjml>';
    expect(protectStructuralMustaches(src)).toBe(
      '<mjml><mj-head><mj-title>{{t}}</mj-title></mj-head><mj-body>\n<mj-raw>{{#each xs}}</mj-raw><mj-section><mj-column><mj-raw>{{#if a}}</mj-raw><mj-text>{{a}}</mj-text><mj-raw>{{/if}}</mj-raw></mj-column></mj-section><mj-raw>{{/each}}</mj-raw>\n</mj-body></mjml>',
    );
  });

  it('leaves mustaches in ending tags, attributes and comments alone', () => {
    const src =
      '<mjml><mj-body><mj-section background-url="{{#if a}}x.png{{/if}}"><mj-column><mj-text>{{#each i}}<p title="a>b">{{this}}</p>{{/each}}</mj-text><!-- {{#if c}} --><mj-table>{{#each rows}}<tr><td>{{x}}</td></tr>{{/each}}</mj-table><mj-button href="{{u}}">{{label}}</mj-button></mj-column></mj-section></mj-body></mjml>';
    expect(protectStructuralMustaches(src)).toBe(src);
  });
});
