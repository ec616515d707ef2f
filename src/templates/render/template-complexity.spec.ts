import { tokensOf } from './mustache-scanner';
import { complexityProblem, MAX_BLOCK_DEPTH, MAX_MUSTACHES } from './template-complexity';

const problemOf = (source: string) => complexityProblem(tokensOf(source))?.message ?? null;

describe('complexityProblem', () => {
  it('passes ordinary templates', () => {
    expect(problemOf('{{#each items}}{{#if on}}{{name}} {{money price "EUR"}}{{/if}}{{/each}} {{lookup (lookup a "b") "c"}}')).toBeNull();
    expect(problemOf('{{#if a}}'.repeat(MAX_BLOCK_DEPTH) + '{{/if}}'.repeat(MAX_BLOCK_DEPTH))).toBeNull();
    expect(problemOf('{{a}}'.repeat(MAX_MUSTACHES))).toBeNull();
    expect(problemOf('{{! a comment }}'.repeat(MAX_MUSTACHES) + '{{a}}')).toBeNull();
  });

  it('refuses blocks nested too deep, sequences of blocks being fine', () => {
    expect(problemOf('{{#if a}}'.repeat(100) + '{{/if}}'.repeat(100))).toBe('Handlebars: blocks are nested more than 50 levels deep');
    expect(problemOf('{{#if a}}x{{/if}}'.repeat(900))).toBeNull();
  });

  it('refuses subexpressions nested too deep, parentheses in strings aside', () => {
    expect(problemOf(`{{lookup ${'(lookup '.repeat(30)}a "b"${')'.repeat(30)} "c"}}`)).toBe('Handlebars: subexpressions are nested more than 20 levels deep');
    expect(problemOf(`{{lookup a "${'('.repeat(30)}"}}`)).toBeNull();
  });

  it('refuses more mustaches than a template needs, naming the count', () => {
    expect(problemOf('{{a}} '.repeat(20_000))).toBe('Handlebars: more than 2000 {{…}} expressions (20000)');
  });
});
