import Handlebars, { HelperDelegate, HelperOptions } from 'handlebars';
import { renderedChars, renderStep, renderWrite } from './render-budget';

/**
 * Makes a private Handlebars instance count its work against the render budget (render-budget.ts):
 * - `each` counts every iteration and the text it adds. Mustache-style sections over an array
 *   (`{{#items}}…{{/items}}`) go through Handlebars' blockHelperMissing, which calls this same `each`.
 * - every other helper (if, unless, with, lookup and ours) counts each call;
 * - every value written (`{{name}}`, `{{{html}}}`) counts one step and its length: Handlebars' compiled
 *   code reads each value through `container.lambda`, which the instance's runtime sets per template.
 * Partials and decorators are refused before compiling (handlebars-env.ts), so nothing else repeats.
 */
export function budgeted(hb: typeof Handlebars): typeof Handlebars {
  for (const [name, helper] of Object.entries(hb.helpers)) {
    if (name === 'blockHelperMissing' || name === 'helperMissing') continue;
    hb.registerHelper(name, name === 'each' ? countedEach(helper) : countedCall(helper));
  }
  const template = hb.template.bind(hb);
  hb.template = ((spec: TemplateSpec) => {
    const main = spec.main;
    spec.main = function (this: unknown, container: Container, depth0: unknown, helpers: unknown, partials: unknown, data: unknown, blockParams: unknown, depths: unknown) {
      container.lambda = countedLambda;
      return main.call(this, container, depth0, helpers, partials, data, blockParams, depths);
    };
    return template(spec);
  }) as typeof hb.template;
  return hb;
}

/** The part of a compiled template's spec and runtime container this file touches. */
interface Container {
  lambda: (current: unknown, context: unknown) => unknown;
}
interface TemplateSpec {
  main: (this: unknown, container: Container, depth0: unknown, helpers: unknown, partials: unknown, data: unknown, blockParams: unknown, depths: unknown) => string;
}

/** Handlebars' own lambda (a function in the data is called; ours never has one), counted. */
function countedLambda(current: unknown, context: unknown): unknown {
  renderStep();
  if (typeof current === 'string') renderWrite(current.length);
  return typeof current === 'function' ? (current as (this: unknown) => unknown).call(context) : current;
}

function countedCall(helper: HelperDelegate): HelperDelegate {
  return function (this: unknown) {
    renderStep();
    // `arguments` as is: helpers check how many they were given (`if` takes exactly one value).
    // eslint-disable-next-line prefer-rest-params
    return (helper as (...a: unknown[]) => unknown).apply(this, arguments as unknown as unknown[]);
  };
}

/**
 * Handlebars' `each` with a body that counts: one step per iteration, and the characters the
 * iteration wrote beyond those its values and inner loops already counted (so nesting counts once).
 */
function countedEach(each: HelperDelegate): HelperDelegate {
  return function (this: unknown, context: unknown, options: HelperOptions) {
    if (!options || typeof options.fn !== 'function') return each.apply(this, [context, options]) as unknown;
    const fn = options.fn;
    // The compiled template builds a new options object for every call: changing it here is safe.
    options.fn = ((ctx: unknown, opts?: Handlebars.RuntimeOptions) => {
      renderStep();
      const before = renderedChars();
      const out = fn(ctx, opts);
      renderWrite(Math.max(0, out.length - (renderedChars() - before)));
      return out;
    }) as Handlebars.TemplateDelegate;
    return each.call(this, context, options) as unknown;
  };
}
