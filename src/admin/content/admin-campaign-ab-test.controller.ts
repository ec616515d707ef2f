import { Body, Get, Post, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { AB_METRICS, MAX_VARIANTS, variantLabel } from '../../campaigns/ab-test';
import { CampaignView } from '../../campaigns/campaign.view';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { UpdateCampaignDto } from '../../campaigns/dto/campaign.dto';
import { MinRole } from '../../auth/auth.decorators';
import { IdParam } from '../../common/id-param';
import { AdminController } from '../admin-controller';
import { FieldErrors, validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { CampaignPages } from './campaign-pages.service';
import { formFailure } from './form-errors';

/** What the A/B test form holds (text as typed, so a refused form comes back as it was). */
interface AbTestForm {
  enabled: boolean;
  share: string;
  metric: string;
  waitHours: string;
  /** always MAX_VARIANTS rows; a row without a subject is no variant */
  variants: Array<{ subject: string; templateId: string }>;
}

const DEFAULTS = { share: '20', metric: 'opens', waitHours: '4' };

/**
 * The wizard's A/B test step (/admin/campaigns/:id/ab-test, reached from the review): 2–4 variants of subject and/or
 * content (a stored template, or the campaign's own), the test share, the metric and the wait. Saved through the
 * same rules as PATCH /api/campaigns/:id.
 */
@AdminController('campaigns')
export class AdminCampaignAbTestController {
  constructor(
    private readonly views: AdminViews,
    private readonly campaigns: CampaignsService,
    private readonly pages: CampaignPages,
  ) {}

  @Get(':id/ab-test')
  @MinRole('editor')
  async show(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const campaign = await this.pages.editable(res, id);
    if (campaign) await this.page(req, res, campaign, formOf(campaign));
  }

  @Post(':id/ab-test')
  async save(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const campaign = await this.pages.editable(res, id);
    if (!campaign) return;
    const form = formFrom(body);
    const input = form.enabled
      ? {
          variants: form.variants
            .filter((v) => v.subject.trim())
            .map((v) => ({ subject: v.subject, ...(v.templateId ? { templateId: v.templateId } : {}) })),
          abTest: { share: Number(form.share), metric: form.metric, waitHours: Number(form.waitHours) },
        }
      : { variants: null, abTest: null };
    const { value, errors } = await validateForm(UpdateCampaignDto, input);
    if (errors) return this.page(req, res, campaign, form, errors);
    try {
      await this.campaigns.update(id, { variants: value.variants, abTest: value.abTest });
    } catch (e) {
      return this.page(req, res, campaign, form, { form: formFailure(e).alert ?? 'The A/B test was not saved' });
    }
    this.views.redirect(res, `/admin/campaigns/${id}/review`, form.enabled ? 'A/B test saved' : 'A/B test turned off');
  }

  private async page(
    req: AdminRequest,
    res: Response,
    campaign: CampaignView,
    form: AbTestForm,
    errors?: FieldErrors,
  ): Promise<void> {
    const templates = (await this.pages.templateChoices()).filter((c) => !c.builtIn);
    const variantsError = errors?.variants ?? null;
    this.views.page(req, res, 'campaigns/ab-test', {
      title: `${campaign.name}: A/B test`,
      nav: 'campaigns',
      status: errors ? 400 : 200,
      campaign,
      steps: this.pages.steps(campaign.id, 'review'),
      form,
      metrics: AB_METRICS.map((m) => ({ value: m, checked: form.metric === m })),
      rows: form.variants.map((v, i) => ({
        index: i,
        label: variantLabel(i),
        subject: v.subject,
        error: errors?.[`variants.${i}.subject`] ?? errors?.[`variants.${i}.templateId`] ?? null,
        templates: templates.map((tpl) => ({ ...tpl, selected: tpl.value === v.templateId })),
      })),
      errors: {
        share: errors?.['abTest.share'] ?? null,
        waitHours: errors?.['abTest.waitHours'] ?? null,
        metric: errors?.['abTest.metric'] ?? null,
        variants: variantsError,
      },
      alert: errors ? (errors.form ?? 'Please correct the fields marked below') : null,
    });
  }
}

function formOf(c: CampaignView): AbTestForm {
  const variants = Array.from({ length: MAX_VARIANTS }, (_, i) => ({
    subject: c.variants?.[i]?.subject ?? '',
    templateId: c.variants?.[i]?.templateId ?? '',
  }));
  if (!c.variants) variants[0].subject = c.subject;
  return {
    enabled: !!c.abTest,
    share: String(c.abTest?.share ?? DEFAULTS.share),
    metric: c.abTest?.metric ?? DEFAULTS.metric,
    waitHours: String(c.abTest?.waitHours ?? DEFAULTS.waitHours),
    variants,
  };
}

function formFrom(body: Record<string, unknown>): AbTestForm {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    enabled: body.enabled !== undefined,
    share: str(body.share).trim(),
    metric: str(body.metric),
    waitHours: str(body.waitHours).trim(),
    variants: Array.from({ length: MAX_VARIANTS }, (_, i) => ({
      subject: str(body[`subject${i}`]),
      templateId: str(body[`template${i}`]),
    })),
  };
}
