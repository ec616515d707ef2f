import Handlebars from 'handlebars';
import { TemplateProblem } from '../template-errors';
import { budgeted } from './budgeted-runtime';
import { helpers, HELPER_NAMES } from './helpers';
import { withRenderBudget } from './render-budget';
import { HookFrame, hookHelpers, HOOK_HELPER_NAMES } from './render-hooks';
import { tokensOf } from './mustache-scanner';
import { complexityProblem } from './template-complexity';

/** `frame`: the per-recipient hooks (see render-hooks.ts), given to helpers as `@data`. */
export type TemplateFn = (data: object, frame?: HookFrame) => string;

/** Handlebars' built-ins that stay: they only read the data they are given (lookup obeys proto rules). */
const BUILT_IN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'];
const ALLOWED_HELPERS = new Set([...BUILT_IN_HELPERS, ...HELPER_NAMES]);

/**
 * An isolated Handlebars: our helpers, Handlebars' safe built-ins, no `log`, no partials, and no
 * access to prototype properties or methods (so `{{constructor.constructor}}` resolves to nothing).
 * Every loop, value and helper call counts against the render budget (budgeted-runtime.ts).
 */
export function createHandlebars(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.unregisterHelper('log');
  for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn);
  for (const [name, fn] of Object.entries(hookHelpers)) hb.registerHelper(name, fn);
  return budgeted(hb);
}

const RUNTIME: Handlebars.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
  allowCallsToHelperMissing: false,
};

const COMPILE: CompileOptions = {
  strict: false,
  preventIndent: true,
  // Anything but our helpers is a plain data lookup, and an unknown helper fails to compile.
  knownHelpersOnly: true,
  knownHelpers: {
    log: false,
    helperMissing: false,
    ...Object.fromEntries([...ALLOWED_HELPERS, ...HOOK_HELPER_NAMES].map((h) => [h, true])),
  },
};

/**
 * `escape`: HTML-escape values (the HTML part); off for the subject and the text part. A call runs under
 * the render budget, its own or that of the message it is part of (see RendererService).
 */
export function compileTemplate(hb: typeof Handlebars, source: string, escape: boolean): TemplateFn {
  const template = hb.compile(source, { ...COMPILE, noEscape: !escape });
  return (data, frame) => withRenderBudget(() => template(data, frame ? { ...RUNTIME, data: frame } : RUNTIME));
}

/**
 * What would keep a Handlebars source from compiling or running here, with the line it is on:
 * syntax errors, partials, decorators, raw blocks and helpers we do not have.
 */
export function handlebarsProblems(hb: typeof Handlebars, source: string, field: TemplateProblem['field']): TemplateProblem[] {
  const problem = (line: number | null, message: string): TemplateProblem => ({ field, line, tagName: null, message });
  const tokens = tokensOf(source);
  if (tokens.some((t) => t.kind === 'rawBlock')) return [problem(null, 'Raw blocks ({{{{ }}}}) are not supported')];
  const tooComplex = complexityProblem(tokens);
  if (tooComplex) return [problem(source.slice(0, tooComplex.start).split('\n').length, tooComplex.message)];
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
  } catch (e) {
    const message = String((e as Error).message ?? e);
    const line = /line (\d+)/.exec(message)?.[1] ?? (e as { lineNumber?: number }).lineNumber;
    return [problem(line ? Number(line) : null, `Handlebars: ${firstAndLastLine(message)}`)];
  }
  const problems: TemplateProblem[] = [];
  visit(ast, (node) => {
    const line = node.loc?.start?.line ?? null;
    switch (node.type) {
      case 'PartialStatement':
      case 'PartialBlockStatement':
        problems.push(problem(line, 'Handlebars: partials ({{> name}}) are not available'));
        break;
      case 'Decorator':
      case 'DecoratorBlock':
        problems.push(problem(line, 'Handlebars: decorators are not available'));
        break;
      case 'MustacheStatement':
      case 'BlockStatement':
      case 'SubExpression': {
        const call = node as unknown as hbs.AST.MustacheStatement;
        const hasArgs = call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0;
        const name = call.path.type === 'PathExpression' ? (call.path as hbs.AST.PathExpression).original : undefined;
        if ((hasArgs || node.type === 'SubExpression') && !(name && ALLOWED_HELPERS.has(name))) {
          problems.push(problem(line, `Handlebars: unknown helper "${name ?? '?'}" (available: ${[...ALLOWED_HELPERS].join(', ')})`));
        }
      }
    }
  });
  return problems;
}

/** A parse error is "Parse error on line 3:", the source line, a caret line, and what was expected. */
function firstAndLastLine(message: string): string {
  const lines = message.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} ${lines[lines.length - 1]}` : lines[0];
}

function visit(node: unknown, fn: (n: hbs.AST.Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) visit(child, fn);
    return;
  }
  if (!node || typeof node !== 'object') return;
  if (typeof (node as hbs.AST.Node).type === 'string') fn(node as hbs.AST.Node);
  for (const [key, child] of Object.entries(node)) {
    if (key !== 'loc' && child && typeof child === 'object') visit(child, fn);
  }
}
