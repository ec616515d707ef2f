import { BadRequestException, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Tx } from '../database/transaction';
import { campaignHtmlPass } from '../delivery/personalize-html';
import { CompiledTemplate, RendererService, TemplateSource } from '../templates/render/renderer.service';
import { TemplateInvalidError } from '../templates/template-errors';
import { TemplateVersionRepository } from '../templates/template-version.repository';
import { TemplateRepository } from '../templates/template.repository';
import { TemplatesService } from '../templates/templates.service';
import { Campaign } from './campaign.entity';
import { CampaignLayouts } from './content-formats/campaign-layouts.service';
import { ContentFormat, DEFAULT_LAYOUT } from './content-formats/content-format';

/** How a campaign's content is given (the DTOs' fields). */
export interface ContentInput {
  templateId?: string;
  mjml?: string;
  contentFormat?: ContentFormat;
  content?: string;
  layoutTemplateId?: string;
}

/** How a campaign was written, as the campaign row keeps it. */
export type WrittenRecord = Pick<Campaign, 'contentFormat' | 'contentSource' | 'layoutTemplateId'>;

/** Content ready for versionFor, and the record of how it was written. */
export interface PreparedContent {
  content: { templateId?: string; mjml?: string };
  record: WrittenRecord;
}

/** An empty MJML document: what a subject alone is checked against. */
const EMPTY_MJML = '<mjml><mj-body></mj-body></mjml>';

/**
 * What a campaign sends: one immutable template version. A stored template's current version is taken
 * when the campaign is saved and again when sending starts; inline MJML is saved as a version of no
 * template. The campaign's own subject replaces the template's.
 */
@Injectable()
export class CampaignContentService {
  constructor(
    private readonly templates: TemplatesService,
    private readonly renderer: RendererService,
    private readonly templateRows: TemplateRepository,
    private readonly versionRows: TemplateVersionRepository,
    private readonly layouts: CampaignLayouts,
  ) {}

  /**
   * MJML and templates pass as they are; Markdown and rich text become the MJML of their layout with the
   * sanitised HTML in its slot. `current` (an update): a field left out keeps the campaign's, and null answers
   * that the content is not being changed. 400 naming the field for what does not go together.
   */
  async prepare(input: ContentInput, current?: WrittenRecord): Promise<PreparedContent | null> {
    const givesMjml = input.templateId !== undefined || input.mjml !== undefined;
    const givesWritten = input.content !== undefined || input.layoutTemplateId !== undefined;
    if (current && !givesMjml && !givesWritten && input.contentFormat === undefined) return null;
    const format =
      input.contentFormat ?? (givesMjml ? 'mjml' : givesWritten ? current?.contentFormat : undefined) ?? 'mjml';
    if (format === 'mjml') {
      if (givesWritten) {
        throw new BadRequestException([
          'content and layoutTemplateId go with contentFormat "markdown" or "richtext"; MJML is given as mjml or templateId',
        ]);
      }
      const content = { templateId: input.templateId, mjml: input.mjml };
      return { content, record: { contentFormat: 'mjml', contentSource: null, layoutTemplateId: null } };
    }
    if (givesMjml)
      throw new BadRequestException([`give content, not mjml or templateId, with contentFormat "${format}"`]);
    // Switching between Markdown and rich text needs the text again: one is not the other.
    const source = input.content ?? (current?.contentFormat === format ? current.contentSource : null);
    if (!source) throw new BadRequestException([`content is required with contentFormat "${format}"`]);
    const layoutTemplateId = input.layoutTemplateId ?? current?.layoutTemplateId ?? DEFAULT_LAYOUT;
    const mjml = await this.layouts.compose(format, source, layoutTemplateId);
    return { content: { mjml }, record: { contentFormat: format, contentSource: source, layoutTemplateId } };
  }

  /** The version id for `templateId` or inline `mjml`, saving the latter; 400 when it cannot render. */
  async versionFor(tx: Tx, content: { templateId?: string; mjml?: string }, subject: string): Promise<string> {
    if (content.templateId && content.mjml) throw new BadRequestException('give templateId or mjml, not both');
    if (content.templateId) {
      const versionId = await this.currentVersionOf(content.templateId, tx);
      await this.assertRenders({ subject, mjml: EMPTY_MJML });
      return versionId;
    }
    if (!content.mjml) throw new BadRequestException('templateId or mjml is required');
    await this.assertRenders({ subject, mjml: content.mjml });
    const version = await this.versionRows.insert(
      null,
      1,
      { subject, mjml: content.mjml, text: null, required: [] },
      tx,
    );
    return version.id;
  }

  /** A stored template's current version; 400 naming templateId when there is no such template. */
  async currentVersionOf(templateId: string, tx?: Tx): Promise<string> {
    const versionId = await this.templateRows.currentVersionIdOf(templateId, tx);
    if (!versionId) throw new BadRequestException(`templateId: template ${templateId} does not exist`);
    return versionId;
  }

  /** The subject is checked against the version on its own when only it changes. */
  async assertSubject(subject: string): Promise<void> {
    await this.assertRenders({ subject, mjml: EMPTY_MJML });
  }

  /** The campaign's version, compiled with the campaign pass (cached by the renderer per version and subject). */
  async compiled(campaign: Pick<Campaign, 'templateVersionId' | 'subject'>): Promise<CompiledTemplate> {
    return this.renderer.compile(await this.source(campaign));
  }

  async source(campaign: Pick<Campaign, 'templateVersionId' | 'subject'>): Promise<TemplateSource> {
    const version = await this.templates.getVersion(campaign.templateVersionId);
    const subjectKey = createHash('sha256').update(campaign.subject).digest('hex').slice(0, 16);
    return {
      ...version,
      versionId: `${version.versionId}|subject:${subjectKey}`,
      subject: campaign.subject,
      htmlPass: campaignHtmlPass,
    };
  }

  private async assertRenders(content: { subject: string; mjml: string }): Promise<void> {
    const compiled = await this.renderer.check(content);
    if (compiled.errors.length) throw new TemplateInvalidError(compiled.errors);
  }
}
