import { Injectable } from '@nestjs/common';
import { Response } from 'express';
import { isUUID } from 'class-validator';
import { CampaignView } from '../../campaigns/campaign.view';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { CreateCampaignDto, UpdateCampaignDto } from '../../campaigns/dto/campaign.dto';
import { TemplatesService } from '../../templates/templates.service';
import { FieldErrors, validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { CampaignPages } from './campaign-pages.service';
import { FormFailure, formFailure } from './form-errors';
import { STARTER_MJML } from './starter-mjml';
import { CAMPAIGN_VARIABLES, TemplatePreviewService } from './template-preview.service';
import { CampaignLayouts } from '../../campaigns/content-formats/campaign-layouts.service';
import { WrittenFormat } from '../../campaigns/content-formats/content-format';
import {
  BLANK_WRITTEN,
  placeWrittenFailure,
  writtenContentOf,
  writtenFormOf,
  WrittenForm,
  writtenFormOfCampaign,
} from './written-form';

export interface ContentForm extends WrittenForm {
  name: string;
  /** a saved or built-in template, the campaign's own MJML, or Markdown / rich text in a layout */
  source: 'template' | 'mjml' | WrittenFormat;
  /** a stored template's id or `builtin:<slug>` */
  templateRef: string;
  mjml: string;
}

const DEFAULT_SUBJECT = 'News from us';

/**
 * Step 1 of a campaign: its content, a template (stored: sent at its current version; built-in: copied
 * into the campaign so it can be changed) or MJML of its own. Saving it the first time creates the draft.
 */
@Injectable()
export class ContentStep {
  constructor(
    private readonly views: AdminViews,
    private readonly campaigns: CampaignsService,
    private readonly templates: TemplatesService,
    private readonly pages: CampaignPages,
    private readonly previews: TemplatePreviewService,
    private readonly layouts: CampaignLayouts,
  ) {}

  /** The form for a new campaign: a saved template when there is one, else the starter MJML. */
  async blank(): Promise<ContentForm> {
    const choices = await this.pages.templateChoices();
    const stored = choices.find((c) => !c.builtIn);
    return {
      name: '',
      source: stored ? 'template' : 'mjml',
      templateRef: stored?.value ?? choices[0]?.value ?? '',
      mjml: STARTER_MJML,
      ...BLANK_WRITTEN,
    };
  }

  async of(campaign: CampaignView): Promise<ContentForm> {
    const written = writtenFormOfCampaign(campaign);
    if (campaign.templateId)
      return {
        name: campaign.name,
        source: 'template',
        templateRef: campaign.templateId,
        mjml: STARTER_MJML,
        ...written,
      };
    if (campaign.contentFormat !== 'mjml')
      return { name: campaign.name, source: campaign.contentFormat, templateRef: '', mjml: STARTER_MJML, ...written };
    const version = await this.templates.getVersion(campaign.templateVersionId);
    return { name: campaign.name, source: 'mjml', templateRef: '', mjml: version.mjml, ...written };
  }

  async show(
    req: AdminRequest,
    res: Response,
    form: ContentForm,
    campaign: CampaignView | null,
    opts: { errors?: FieldErrors; failure?: FormFailure; status?: number } = {},
  ): Promise<void> {
    const subject = campaign?.subject ?? DEFAULT_SUBJECT;
    const preview = await this.previews.preview(form.mjml || '<mjml></mjml>', subject, 'campaign');
    const choices = (await this.pages.templateChoices()).map((c) => ({ ...c, selected: c.value === form.templateRef }));
    const selected = choices.find((c) => c.selected) ?? choices[0];
    this.views.page(req, res, 'campaigns/content', {
      title: campaign ? `${campaign.name}: content` : 'New campaign',
      nav: 'campaigns',
      status: opts.status,
      campaign,
      steps: this.pages.steps(campaign?.id ?? null, 'content'),
      action: campaign ? `/admin/campaigns/${campaign.id}/content` : '/admin/campaigns',
      form,
      choices,
      storedChoices: choices.filter((c) => !c.builtIn),
      builtInChoices: choices.filter((c) => c.builtIn),
      selectedPreview: selected?.previewUrl ?? null,
      subject,
      preview,
      problems: opts.failure?.problems.length ? opts.failure.problems : preview.errors,
      errors: { ...(opts.errors ?? {}), ...(opts.failure?.errors ?? {}) },
      alert: opts.failure?.alert ?? (opts.errors ? 'Please correct the fields marked below' : null),
      variables: CAMPAIGN_VARIABLES.map((v) => ({ ...v, token: `{{${v.name}}}` })),
      layouts: (await this.layouts.choices()).map((l) => ({ ...l, selected: l.id === form.layoutRef })),
    });
  }

  /** Saves the step (creating the draft when `campaign` is null); answers the campaign id, or null after showing the errors. */
  async save(
    req: AdminRequest,
    res: Response,
    body: Record<string, unknown>,
    campaign: CampaignView | null,
  ): Promise<string | null> {
    const form = contentFormOf(body);
    const errors: FieldErrors = {};
    const name = await validateForm(UpdateCampaignDto, { name: form.name });
    if (name.errors?.name || !form.name.trim()) errors.name = name.errors?.name ?? 'Give the campaign a name';

    let content: Pick<CreateCampaignDto, 'templateId' | 'mjml' | 'contentFormat' | 'content' | 'layoutTemplateId'> = {};
    let subject = campaign?.subject ?? DEFAULT_SUBJECT;
    if (form.source === 'template') {
      if (isUUID(form.templateRef)) content = { templateId: form.templateRef.toLowerCase() };
      else if (form.templateRef.startsWith('builtin:')) {
        const builtIn = await this.templates.getBuiltIn(form.templateRef.slice('builtin:'.length)).catch(() => null);
        if (builtIn) {
          content = { mjml: builtIn.mjml };
          if (!campaign) subject = builtIn.subject;
        } else errors.templateRef = 'Choose one of the templates listed';
      } else errors.templateRef = 'Choose a template';
      if (content.templateId && !campaign)
        subject = (await this.templates.get(content.templateId).catch(() => null))?.subject ?? subject;
    } else if (form.source === 'markdown' || form.source === 'richtext') {
      const written = writtenContentOf(form.source, form);
      if ('error' in written) errors[form.source] = written.error;
      else content = written;
    } else if (!form.mjml.trim()) errors.mjml = 'Write the MJML of the campaign';
    else content = { mjml: form.mjml };

    if (Object.keys(errors).length) {
      await this.show(req, res, form, campaign, { errors, status: 400 });
      return null;
    }
    try {
      if (campaign) {
        await this.campaigns.update(campaign.id, { name: name.value.name, ...content });
        return campaign.id;
      }
      // The lists are chosen at the next step: the draft starts with none (the service sends nothing without them).
      const draft: CreateCampaignDto = { name: name.value.name!, subject, listIds: [], ...content };
      return (await this.campaigns.create(draft)).id;
    } catch (e) {
      const failure =
        form.source === 'markdown' || form.source === 'richtext'
          ? placeWrittenFailure(form.source, formFailure(e))
          : formFailure(e);
      await this.show(req, res, form, campaign, { failure, status: 400 });
      return null;
    }
  }
}

function contentFormOf(body: Record<string, unknown>): ContentForm {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    name: str(body.name),
    source: (['template', 'markdown', 'richtext'] as const).find((s) => s === body.source) ?? 'mjml',
    templateRef: str(body.templateRef).trim(),
    mjml: str(body.mjml).replace(/\r\n/g, '\n'),
    ...writtenFormOf(body),
  };
}
