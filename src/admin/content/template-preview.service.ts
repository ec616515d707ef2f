import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { FooterValues, footerNeeds, footerNotice, withLegalFooter } from '../../delivery/legal-footer';
import { SAMPLE_RECIPIENT, testUrls } from '../../delivery/personalize';
import { SettingsService } from '../../settings/settings.service';
import { RendererService } from '../../templates/render/renderer.service';
import { TemplateProblem } from '../../templates/template-errors';
import { TemplateKind } from '../../templates/template-kinds';
import { TemplatesService } from '../../templates/templates.service';
import { TokenService } from '../../tokens/token.service';

/** One variable a template may use, as the editor lists it. */
export interface TemplateVariable {
  name: string;
  description: string;
  required?: boolean;
}

/** A preview as the editor page shows it: the HTML for the frame and each problem as a line of text. */
export interface EditorPreview {
  subject: string;
  html: string;
  errors: Array<TemplateProblem & { label: string }>;
  /** campaign templates: what the service adds to every mail because the template does not show it, or null */
  footerNotice: string | null;
}

/** The variables every campaign mail has (contract: Templates and rendering). */
export const CAMPAIGN_VARIABLES: TemplateVariable[] = [
  { name: 'subscriber.email', description: 'the recipient’s address' },
  { name: 'subscriber.name', description: 'the recipient’s name (may be empty)' },
  { name: 'subscriber.attributes.*', description: 'any attribute of the subscriber, e.g. subscriber.attributes.city' },
  {
    name: 'unsubscribeUrl',
    description: 'one-click unsubscribe link (a footer with it is added to each part that lacks it)',
  },
  {
    name: 'preferencesUrl',
    description: 'a page where the recipient asks for a link to their preference centre, mailed to them',
  },
  {
    name: 'companyAddress',
    description: 'your postal address (Settings; a footer with it is added to each part that lacks it)',
  },
  { name: 'campaign.name', description: 'the campaign’s name' },
];

/**
 * Previews for the MJML editor: the same renderer as POST /api/templates/preview, filled with sample data
 * that fits the template (a built-in's documented sample, else a sample campaign recipient).
 */
@Injectable()
export class TemplatePreviewService {
  constructor(
    private readonly renderer: RendererService,
    private readonly templates: TemplatesService,
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
    private readonly tokens: TokenService,
  ) {}

  async preview(mjml: string, subject: string, kind: TemplateKind, slug?: string | null): Promise<EditorPreview> {
    const data = await this.sampleData(kind, slug);
    const rendered = await this.renderer.preview(mjml, subject, data);
    // A campaign mail gets the legal footer where the template lacks it: the preview shows it and says so.
    const footer = kind === 'campaign' && rendered.html ? footerValuesOf(data) : null;
    const notice = footer ? footerNotice(footerNeeds(rendered, footer)) : null;
    const out = footer ? withLegalFooter(rendered, footer) : rendered;
    return {
      subject: out.subject,
      html: framed(out.html),
      errors: out.errors.map((e) => ({ ...e, label: problemLabel(e) })),
      footerNotice: notice,
    };
  }

  /** The variables to list beside the editor: a built-in's documented data, else the campaign variables. */
  async variables(kind: TemplateKind, slug?: string | null): Promise<TemplateVariable[]> {
    const builtIn = slug ? await this.templates.getBuiltIn(slug).catch(() => null) : null;
    if (builtIn && builtIn.kind === 'transactional') {
      return [
        ...builtIn.required.map((name) => ({ name, description: 'required', required: true })),
        ...builtIn.optional.map((name) => ({ name, description: 'optional' })),
      ];
    }
    if (kind === 'campaign') return CAMPAIGN_VARIABLES;
    return [{ name: '…', description: 'whatever data the sending system passes in POST /api/transactional/messages' }];
  }

  async sampleData(kind: TemplateKind, slug?: string | null): Promise<Record<string, unknown>> {
    const builtIn = slug ? await this.templates.getBuiltIn(slug).catch(() => null) : null;
    if (kind === 'transactional') return builtIn?.sample ?? {};
    return {
      subscriber: SAMPLE_RECIPIENT,
      campaign: { name: 'Preview' },
      companyAddress: await this.settings.companyAddress(),
      ...(builtIn?.kind === 'campaign' ? builtIn.sample : {}),
      // test links: they open a page saying this is a test mail, and act on nobody
      ...testUrls({ publicUrl: this.config.publicUrl, tokens: this.tokens }),
    };
  }
}

function footerValuesOf(data: Record<string, unknown>): FooterValues {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    unsubscribeUrl: str(data.unsubscribeUrl),
    preferencesUrl: str(data.preferencesUrl),
    companyAddress: str(data.companyAddress),
  };
}

/** "Line 4 (mj-text): …", "Subject: …". */
export function problemLabel(p: TemplateProblem): string {
  const where =
    p.field === 'mjml'
      ? p.line
        ? `Line ${p.line}${p.tagName ? ` (${p.tagName})` : ''}`
        : 'MJML'
      : p.field === 'subject'
        ? 'Subject'
        : p.field === 'text'
          ? 'Text part'
          : 'Sample data';
  return `${where}: ${p.message}`;
}

/**
 * Ready for the preview frame: links open in a new tab instead of inside the frame, and external
 * stylesheets (MJML's Google Fonts links) are left out: most mail clients do not load web fonts either,
 * so the preview shows the fallback fonts of the stack, and the editor's browser calls no third party.
 */
export function framed(html: string): string {
  if (!html) return '';
  const local = html
    .replace(/<link\b[^>]*\bhref=["']?https?:[^>]*>/gi, '')
    .replace(/@import\s+url\(\s*["']?https?:[^)]*\)\s*;?/gi, '');
  return /<head[^>]*>/i.test(local)
    ? local.replace(/<head[^>]*>/i, (m) => `${m}<base target="_blank">`)
    : `<base target="_blank">${local}`;
}
