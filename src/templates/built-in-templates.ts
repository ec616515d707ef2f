import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TemplateSource } from './render/renderer.service';
import { REQUIRED_PATH } from './render/template-data';
import { TEMPLATE_KINDS, TemplateKind } from './template-kinds';

/**
 * The templates shipped in `templates/`: `<slug>.mjml`, a sidecar `<slug>.json`
 * `{name, kind, subject, description, required, optional, sample}` documenting the data it expects,
 * and optionally `<slug>.txt`, its own Handlebars text part. Read once at boot.
 */
export interface BuiltInTemplate {
  slug: string;
  name: string;
  kind: TemplateKind;
  subject: string;
  description: string;
  mjml: string;
  text: string | null;
  required: string[];
  optional: string[];
  sample: Record<string, unknown>;
  /** `file:<slug>:<sha256 of the content>`: stable while the files do not change */
  versionId: string;
}

/** `templates/` at the repository root, the same from src/templates and dist/templates. */
export const TEMPLATES_DIR = join(__dirname, '..', '..', 'templates');

@Injectable()
export class BuiltInTemplates {
  private readonly bySlug: Map<string, BuiltInTemplate>;
  private readonly byVersion: Map<string, BuiltInTemplate>;

  constructor() {
    const all = loadBuiltInTemplates(TEMPLATES_DIR);
    this.bySlug = new Map(all.map((t) => [t.slug, t]));
    this.byVersion = new Map(all.map((t) => [t.versionId, t]));
  }

  /** Sorted by slug. */
  list(): BuiltInTemplate[] {
    return [...this.bySlug.values()];
  }

  get(slug: string): BuiltInTemplate | undefined {
    return this.bySlug.get(slug);
  }

  byVersionId(versionId: string): BuiltInTemplate | undefined {
    return this.byVersion.get(versionId);
  }
}

export function sourceOfBuiltIn(t: BuiltInTemplate): TemplateSource {
  return { versionId: t.versionId, subject: t.subject, mjml: t.mjml, text: t.text, required: t.required };
}

/** Throws, naming the file, when a template or its sidecar is malformed: a broken deploy should not boot. */
export function loadBuiltInTemplates(dir: string): BuiltInTemplate[] {
  const slugs = readdirSync(dir)
    .filter((f) => f.endsWith('.mjml'))
    .map((f) => f.slice(0, -'.mjml'.length))
    .sort();
  return slugs.map((slug) => {
    const mjml = readFileSync(join(dir, `${slug}.mjml`), 'utf8');
    const sidecarPath = join(dir, `${slug}.json`);
    if (!existsSync(sidecarPath)) throw new Error(`templates/${slug}.mjml has no sidecar templates/${slug}.json`);
    const side = JSON.parse(readFileSync(sidecarPath, 'utf8')) as Partial<BuiltInTemplate>;
    const textPath = join(dir, `${slug}.txt`);
    const text = existsSync(textPath) ? readFileSync(textPath, 'utf8') : null;
    const bad = (what: string) => new Error(`templates/${slug}.json: ${what}`);
    if (typeof side.name !== 'string' || !side.name) throw bad('name is required');
    if (!TEMPLATE_KINDS.includes(side.kind as TemplateKind)) throw bad(`kind must be one of ${TEMPLATE_KINDS.join(', ')}`);
    if (typeof side.subject !== 'string' || !side.subject) throw bad('subject is required');
    const required = side.required ?? [];
    if (!Array.isArray(required) || !required.every((p) => typeof p === 'string' && REQUIRED_PATH.test(p))) {
      throw bad('required must be a list of data paths like "order.items.*.name"');
    }
    const content = JSON.stringify([mjml, side.subject, text, required]);
    return {
      slug,
      name: side.name,
      kind: side.kind as TemplateKind,
      subject: side.subject,
      description: side.description ?? '',
      mjml,
      text,
      required,
      optional: side.optional ?? [],
      sample: side.sample ?? {},
      versionId: `file:${slug}:${createHash('sha256').update(content).digest('hex')}`,
    };
  });
}
