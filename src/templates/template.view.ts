import { BuiltInTemplate } from './built-in-templates';
import { TemplateKind } from './template-kinds';
import type { TemplateVersion } from './template-version.repository';
import type { Template } from './template.repository';

/** A template in a list: everything but the bodies. */
export interface TemplateSummary {
  id: string;
  name: string;
  slug: string;
  kind: TemplateKind;
  subject: string;
  /** 1, 2, 3…: bumped by every change of subject, mjml, text or required */
  version: number;
  /** what a campaign keeps to send exactly this version */
  versionId: string;
  required: string[];
  builtIn: false;
  /** a built-in template has this slug, and this one takes its place */
  overridesBuiltIn: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface TemplateView extends TemplateSummary {
  mjml: string;
  text: string | null;
}

export interface BuiltInSummary {
  id: null;
  name: string;
  slug: string;
  kind: TemplateKind;
  subject: string;
  description: string;
  version: null;
  versionId: string;
  required: string[];
  builtIn: true;
  /** a stored template with the same slug is used instead */
  overridden: boolean;
  overriddenBy: string | null;
}

export interface BuiltInView extends BuiltInSummary {
  mjml: string;
  text: string | null;
  optional: string[];
  /** data the template renders with: a starting point for previews */
  sample: Record<string, unknown>;
}

export function templateSummary(t: Template, overridesBuiltIn: boolean): TemplateSummary {
  const v = t.currentVersion as TemplateVersion;
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    kind: t.kind,
    subject: v.subject,
    version: v.number,
    versionId: v.id,
    required: v.required,
    builtIn: false,
    overridesBuiltIn,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export function templateView(t: Template, overridesBuiltIn: boolean): TemplateView {
  const v = t.currentVersion as TemplateVersion;
  return { ...templateSummary(t, overridesBuiltIn), mjml: v.mjml, text: v.text };
}

export function builtInSummary(t: BuiltInTemplate, overriddenBy: string | null): BuiltInSummary {
  return {
    id: null,
    name: t.name,
    slug: t.slug,
    kind: t.kind,
    subject: t.subject,
    description: t.description,
    version: null,
    versionId: t.versionId,
    required: t.required,
    builtIn: true,
    overridden: overriddenBy !== null,
    overriddenBy,
  };
}

export function builtInView(t: BuiltInTemplate, overriddenBy: string | null): BuiltInView {
  return { ...builtInSummary(t, overriddenBy), mjml: t.mjml, text: t.text, optional: t.optional, sample: t.sample };
}
