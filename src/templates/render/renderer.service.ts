import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { TemplateDataError, TemplateProblem } from '../template-errors';
import type Handlebars from 'handlebars';
import { compileTemplate, createHandlebars, handlebarsProblems, TemplateFn } from './handlebars-env';
import { LruCache } from './lru-cache';
import { MjmlCompiler } from './mjml-compiler';
import { protectStructuralMustaches } from './mjml-passthrough';
import { RenderLimitError, withRenderBudget } from './render-budget';
import { RenderHooks } from './render-hooks';
import { BLOCK_KINDS, tokensOf } from './mustache-scanner';
import { assertRequired, plainData, TemplateData } from './template-data';
import { deriveTextTemplate, htmlToText, tidyText } from './text-template';
import { headerLine } from '../../common/header-line';

/** What a template version is made of; `versionId` is the cache key and must name immutable content. */
export interface TemplateSource {
  /** a stored version's uuid, `file:<slug>:<sha256>` for a built-in, `preview:<sha256>` for a preview */
  versionId: string;
  subject: string;
  mjml: string;
  /** a Handlebars text template for the text part; derived from the HTML when absent */
  text?: string | null;
  /** dotted data paths that must be present (`order.items.*.name`) */
  required?: readonly string[];
  /** a rewrite of MJML's HTML output, once per version, before Handlebars compiles it (campaign personalisation) */
  htmlPass?: HtmlPass;
}

/** A once-per-version change to the HTML template; `name` joins the cache key, so name each pass uniquely. */
export interface HtmlPass {
  name: string;
  apply(htmlTemplate: string): string;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

export interface PreviewResult extends RenderedMessage {
  errors: TemplateProblem[];
}

/** How the text part is produced: the template's own, derived once from the HTML, or converted per recipient. */
export type TextMode = 'own' | 'derived' | 'per-recipient';

/**
 * A version after MJML, before Handlebars: strings only, so that another thread can compile and fill it
 * (compilePrepared) without loading MJML.
 */
export interface PreparedTemplate {
  versionId: string;
  required: readonly string[];
  /** MJML's output after the version's htmlPass: the Handlebars source of the HTML part */
  htmlTemplate: string;
  subject: string;
  /** the Handlebars source of the text part: the template's own, else derived from the HTML; null: none could be */
  text: string | null;
  ownText: boolean;
}

/** A version after MJML and Handlebars compilation: filling it is all that is left per recipient. */
export interface CompiledTemplate {
  versionId: string;
  /** MJML's findings and Handlebars problems; `render` is null when the latter make it unusable */
  errors: TemplateProblem[];
  required: readonly string[];
  textMode: TextMode;
  /** MJML's output before Handlebars: what a preview shows when the template cannot be filled */
  html: string;
  render: ((data: TemplateData, hooks?: RenderHooks) => RenderedMessage) | null;
  /** what compilePrepared makes this from (null when it cannot be rendered) */
  prepared: PreparedTemplate | null;
}

const CACHE_SIZE = 500;
const PREVIEW_CACHE_SIZE = 50;

/**
 * The one renderer behind previews, test sends, campaigns and transactional mail. MJML runs once
 * per version (cached by version id, bounded LRU); per recipient only compiled Handlebars functions run.
 */
@Injectable()
export class RendererService {
  private readonly hb = createHandlebars();
  private readonly versions = new LruCache<string, Promise<CompiledTemplate>>(CACHE_SIZE);
  private readonly previews = new LruCache<string, Promise<CompiledTemplate>>(PREVIEW_CACHE_SIZE);

  constructor(private readonly mjml: MjmlCompiler) {}

  /** Renders a version for one recipient. `data` is only that recipient's; missing required fields are a TemplateDataError. */
  async renderVersion(source: TemplateSource, data: unknown): Promise<RenderedMessage> {
    return this.fill(await this.compile(source), data);
  }

  /** The compiled version, from the cache when it was compiled before. */
  compile(source: TemplateSource): Promise<CompiledTemplate> {
    const key = source.htmlPass ? `${source.versionId}#${source.htmlPass.name}` : source.versionId;
    return this.cached(this.versions, { ...source, versionId: key });
  }

  /**
   * Fills a compiled version synchronously: for loops over many recipients of one version.
   * `hooks` personalise what the version's htmlPass prepared (tracked links, the open pixel).
   */
  fill(compiled: CompiledTemplate, data: unknown, hooks?: RenderHooks): RenderedMessage {
    return fillTemplate(compiled, data, hooks);
  }

  /** What the editor sees: rendered as it would be sent, with every problem found, and always an answer. */
  async preview(mjml: string, subject = '', data: unknown = {}, text?: string | null): Promise<PreviewResult> {
    const key = createHash('sha256').update(JSON.stringify([mjml, subject, text ?? null])).digest('hex');
    const compiled = await this.cached(this.previews, { versionId: `preview:${key}`, mjml, subject, text });
    const unfilled = (errors: TemplateProblem[]): PreviewResult => ({
      subject: headerLine(subject),
      html: compiled.html,
      text: tidyText(htmlToText(compiled.html)),
      errors,
    });
    if (!compiled.render) return unfilled(compiled.errors);
    try {
      return { ...compiled.render(plainData(data)), errors: compiled.errors };
    } catch (e) {
      // Past a render limit is not a data problem to show beside the preview: the request is refused.
      if (!(e instanceof TemplateDataError) || e instanceof RenderLimitError) throw e;
      const messages = ([] as string[]).concat(e.messages);
      return unfilled([...compiled.errors, ...messages.map((message) => ({ field: 'data' as const, line: null, tagName: null, message }))]);
    }
  }

  /** Compiles without caching: what saving a template checks. */
  check(source: Omit<TemplateSource, 'versionId'>): Promise<CompiledTemplate> {
    return this.build({ ...source, versionId: 'check' });
  }

  private cached(cache: LruCache<string, Promise<CompiledTemplate>>, source: TemplateSource): Promise<CompiledTemplate> {
    let entry = cache.get(source.versionId);
    if (!entry) {
      entry = this.build(source);
      cache.set(source.versionId, entry);
      entry.catch(() => cache.delete(source.versionId));
    }
    return entry;
  }

  private async build(source: TemplateSource): Promise<CompiledTemplate> {
    const syntax: TemplateProblem[] = [
      ...handlebarsProblems(this.hb, source.mjml, 'mjml'),
      ...handlebarsProblems(this.hb, source.subject, 'subject'),
      ...(source.text ? handlebarsProblems(this.hb, source.text, 'text') : []),
    ];
    const wrapped = protectStructuralMustaches(source.mjml);
    let out = await this.mjml.compile(wrapped);
    if (!out.html && wrapped !== source.mjml) {
      // Some components crash on an mj-raw child (mj-carousel): without it MJML drops the mustache
      // instead, and lostBlocks names its line, which says more than MJML's stack trace.
      const plain = await this.mjml.compile(source.mjml);
      if (plain.html) out = plain;
    }
    syntax.push(...lostBlocks(source.mjml, out.html));
    const errors = [...out.errors, ...syntax];
    const base = { versionId: source.versionId, errors, required: source.required ?? [], html: out.html };
    if (syntax.length || !out.html) return { ...base, textMode: 'per-recipient', render: null, prepared: null };

    const htmlTemplate = source.htmlPass ? source.htmlPass.apply(out.html) : out.html;
    const prepared: PreparedTemplate = {
      versionId: source.versionId,
      required: base.required,
      htmlTemplate,
      subject: source.subject,
      text: source.text ?? deriveTextTemplate(htmlTemplate),
      ownText: Boolean(source.text),
    };
    return compilePrepared(this.hb, prepared, base);
  }
}

/**
 * The Handlebars half of compiling a version: `base` carries what the MJML half found (its errors, MJML's HTML).
 * Runs where the version is filled: in the main thread, or in an SMTP thread from a copy of `prepared`.
 */
export function compilePrepared(
  hb: typeof Handlebars,
  prepared: PreparedTemplate,
  base: Pick<CompiledTemplate, 'errors' | 'html'> = { errors: [], html: '' },
): CompiledTemplate {
  const info = { ...base, versionId: prepared.versionId, required: prepared.required };
  const html = compileTemplate(hb, prepared.htmlTemplate, true);
  const subject = compileTemplate(hb, prepared.subject, false);
  let text = prepared.text === null ? null : compileTemplate(hb, prepared.text, false);
  const textProblem = text && compileProblem(text, 'text');
  if (textProblem && !prepared.ownText) text = null; // a derived one that does not compile: convert per recipient
  const problem =
    compileProblem(html, 'mjml') ?? compileProblem(subject, 'subject') ?? (prepared.ownText ? textProblem : null);
  if (problem) return { ...info, errors: [...base.errors, problem], textMode: 'per-recipient', render: null, prepared: null };

  return {
    ...info,
    textMode: prepared.ownText ? 'own' : text ? 'derived' : 'per-recipient',
    // One budget (render-budget.ts) for the three parts of the message.
    render: (data, hooks) =>
      withRenderBudget(() => {
        const body = html(data, hooks && { hooks, html: true });
        return {
          subject: headerLine(subject(data)),
          html: body,
          text: tidyText(text ? text(data, hooks && { hooks, html: false }) : htmlToText(body)),
        };
      }),
    prepared,
  };
}

/** Fills a compiled version for one recipient; missing required fields are a TemplateDataError. */
export function fillTemplate(compiled: CompiledTemplate, data: unknown, hooks?: RenderHooks): RenderedMessage {
  if (!compiled.render) {
    throw new Error(`Template version ${compiled.versionId} cannot be rendered: ${compiled.errors.map((e) => e.message).join('; ')}`);
  }
  const plain = plainData(data);
  assertRequired(plain, compiled.required);
  return compiled.render(plain, hooks);
}

/**
 * Handlebars compiles lazily; one run on empty data surfaces compile errors now
 * (a helper refusing the empty data is a data problem, not a compile one).
 */
function compileProblem(fn: TemplateFn, field: TemplateProblem['field']): TemplateProblem | null {
  try {
    fn({});
    return null;
  } catch (e) {
    if (e instanceof TemplateDataError) return null;
    return { field, line: null, tagName: null, message: `Handlebars: ${String((e as Error).message ?? e)}` };
  }
}

/**
 * Every block mustache ({{#each}}, {{else}}, {{/each}}) must come out of MJML once and in order;
 * one inside a component that drops or repeats its content would break the template.
 */
function lostBlocks(mjml: string, html: string): TemplateProblem[] {
  if (!html) return [];
  const before = tokensOf(mjml).filter((t) => BLOCK_KINDS.has(t.kind));
  const after = tokensOf(html).filter((t) => BLOCK_KINDS.has(t.kind));
  const at = before.findIndex((t, i) => after[i]?.source !== t.source);
  if (at < 0 && after.length === before.length) return [];
  const token = before[at < 0 ? before.length - 1 : at];
  const line = token ? mjml.slice(0, token.start).split('\n').length : null;
  return [
    {
      field: 'mjml',
      line,
      tagName: null,
      message: `Handlebars block ${token?.source ?? ''} does not survive MJML here: put blocks inside mj-text, mj-table or mj-raw, or around whole elements inside mj-body`,
    },
  ];
}
