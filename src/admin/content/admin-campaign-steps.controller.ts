import { MinRole } from '../../auth/auth.decorators';
import { Body, Get, Post, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { CampaignView } from '../../campaigns/campaign.view';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { TestCampaignDto, UpdateCampaignDto } from '../../campaigns/dto/campaign.dto';
import { IdParam } from '../../common/id-param';
import { TemplateDataError } from '../../templates/template-errors';
import { AdminController } from '../admin-controller';
import { FieldErrors, formArray, messageOf, validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { fromOf } from './admin-campaigns.controller';
import { CampaignPages } from './campaign-pages.service';
import { ContentStep } from './content-step.service';
import { zonedText, zonedToUtc } from '../../common/zoned-time';
import { formFailure, text } from './form-errors';
import { framed } from './template-preview.service';
import { writtenLabel } from './written-form';

/**
 * The steps over a draft (or scheduled) campaign: content → audience → settings → review, each saved
 * as it is left so an editor can come back; the review sends a test and then sends or schedules.
 */
@AdminController('campaigns')
export class AdminCampaignStepsController {
  constructor(
    private readonly views: AdminViews,
    private readonly campaigns: CampaignsService,
    private readonly pages: CampaignPages,
    private readonly content: ContentStep,
  ) {}

  @Get(':id/content')
  @MinRole('editor')
  async contentStep(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const campaign = await this.pages.editable(res, id);
    if (campaign) await this.content.show(req, res, await this.content.of(campaign), campaign);
  }

  @Post(':id/content')
  async saveContent(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const campaign = await this.pages.editable(res, id);
    if (!campaign) return;
    if (await this.content.save(req, res, body, campaign))
      this.views.redirect(res, `/admin/campaigns/${id}/audience`, 'Content saved');
  }

  @Get(':id/audience')
  @MinRole('editor')
  async audienceStep(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const campaign = await this.pages.editable(res, id);
    if (campaign) await this.showAudience(req, res, campaign, campaign.listIds);
  }

  @Post(':id/audience')
  async saveAudience(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const campaign = await this.pages.editable(res, id);
    if (!campaign) return;
    const listIds = formArray(body.listIds);
    const segmentId = typeof body.segmentId === 'string' && body.segmentId ? body.segmentId : null;
    const chosen = { ...campaign, segmentId };
    if (!listIds.length) return this.showAudience(req, res, chosen, listIds, { listIds: 'Choose at least one list' });
    try {
      await this.campaigns.update(id, { listIds, segmentId });
    } catch (e) {
      return this.showAudience(req, res, chosen, listIds, {
        listIds: formFailure(e).alert ?? 'These lists cannot be used',
      });
    }
    this.views.redirect(res, `/admin/campaigns/${id}/settings`, 'Audience saved');
  }

  @Get(':id/settings')
  @MinRole('editor')
  async settingsStep(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const campaign = await this.pages.editable(res, id);
    if (campaign) await this.showSettings(req, res, campaign, settingsFormOf(campaign));
  }

  @Post(':id/settings')
  async saveSettings(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const campaign = await this.pages.editable(res, id);
    if (!campaign) return;
    const form = {
      name: typeof body.name === 'string' ? body.name : '',
      subject: typeof body.subject === 'string' ? body.subject : '',
      fromName: typeof body.fromName === 'string' ? body.fromName : '',
      fromEmail: typeof body.fromEmail === 'string' ? body.fromEmail : '',
      trackOpens: body.trackOpens !== undefined,
      trackClicks: body.trackClicks !== undefined,
      archive: body.archive !== undefined,
    };
    const { value, errors } = await validateForm(UpdateCampaignDto, {
      ...form,
      fromName: text(form.fromName) ?? null,
      fromEmail: text(form.fromEmail) ?? null,
    });
    if (errors) return this.showSettings(req, res, campaign, form, errors, 400);
    try {
      await this.campaigns.update(id, value);
    } catch (e) {
      const failure = formFailure(e);
      if (failure.alert?.startsWith('fromEmail')) failure.errors.fromEmail = failure.alert;
      return this.showSettings(
        req,
        res,
        campaign,
        form,
        { ...failure.errors, ...(failure.alert && !failure.errors.subject ? { form: failure.alert } : {}) },
        400,
      );
    }
    this.views.redirect(res, `/admin/campaigns/${id}/review`, 'Settings saved');
  }

  @Get(':id/review')
  async reviewStep(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const campaign = await this.pages.editable(res, id);
    if (campaign) await this.showReview(req, res, campaign);
  }

  /** A test send to the addresses typed (comma separated), rendered with the first recipient's data. */
  @Post(':id/test')
  async test(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const campaign = await this.campaigns.get(id);
    const typed = typeof body.emails === 'string' ? body.emails : '';
    const emails = typed
      .split(/[\s,;]+/)
      .map((e) => e.trim())
      .filter(Boolean);
    const { errors } = await validateForm(TestCampaignDto, { emails });
    if (errors || !emails.length) {
      return this.showReview(req, res, campaign, {
        testEmails: typed,
        errors: { emails: errors?.emails ?? 'Type at least one address' },
        status: 400,
      });
    }
    try {
      await this.campaigns.test(id, emails);
    } catch (e) {
      return this.showReview(req, res, campaign, {
        testEmails: typed,
        errors: { emails: formFailure(e).alert ?? 'The test was not sent' },
        status: 400,
      });
    }
    // Queued in the outbox: it leaves within seconds, and the message log shows each one with its events.
    this.views.redirect(
      res,
      `/admin/campaigns/${id}/review`,
      `Test sent to ${emails.join(', ')} (see the message log)`,
    );
  }

  /** Now, or at a time given on the wall clock of the editor's time zone (profile); the page asks for confirmation first. */
  @Post(':id/send')
  async send(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const campaign = await this.campaigns.get(id);
    const later = body.when === 'later';
    const typed = typeof body.sendAt === 'string' ? body.sendAt.trim() : '';
    let sendAt: string | undefined;
    const zone = req.adminUser!.timeZone;
    if (later) {
      const zoned = zonedToUtc(typed, zone);
      if (!zoned.ok) {
        return this.showReview(req, res, campaign, {
          sendAt: typed,
          errors: { sendAt: sendAtProblem(typed, zone, zoned.reason) },
          status: 400,
        });
      }
      const at = zoned.at;
      if (at.getTime() <= Date.now()) {
        return this.showReview(req, res, campaign, {
          sendAt: typed,
          errors: { sendAt: 'Give a time in the future, or send now' },
          status: 400,
        });
      }
      sendAt = at.toISOString();
    }
    try {
      const { status } = await this.campaigns.send(id, { sendAt });
      const flash = status === 'scheduled' ? `Scheduled for ${zonedText(new Date(sendAt!), zone)}` : 'Sending started';
      this.views.redirect(res, `/admin/campaigns/${id}`, flash);
    } catch (e) {
      const failure = formFailure(e);
      return this.showReview(req, res, campaign, {
        sendAt: typed,
        errors: { send: failure.alert ?? failure.problems.map((p) => p.label).join('; ') },
        status: 400,
      });
    }
  }

  private async showAudience(
    req: AdminRequest,
    res: Response,
    campaign: CampaignView,
    selected: string[],
    errors?: FieldErrors,
  ): Promise<void> {
    const lists = await this.pages.allLists();
    this.views.page(req, res, 'campaigns/audience', {
      title: `${campaign.name}: audience`,
      nav: 'campaigns',
      status: errors ? 400 : 200,
      campaign,
      steps: this.pages.steps(campaign.id, 'audience'),
      lists: lists.map((l) => ({ ...l, checked: selected.includes(l.id) })),
      segments: await this.pages.segmentChoices(campaign.segmentId),
      recipients: await this.pages.recipientCount({
        listIds: selected.filter((s) => lists.some((l) => l.id === s)),
        segmentId: campaign.segmentId,
      }),
      errors: errors ?? {},
    });
  }

  private async showSettings(
    req: AdminRequest,
    res: Response,
    campaign: CampaignView,
    form: Record<string, unknown>,
    errors?: FieldErrors,
    status?: number,
  ): Promise<void> {
    const senders = await this.pages.senders();
    const chosen = typeof form.fromEmail === 'string' ? form.fromEmail.trim().toLowerCase() : '';
    const senderChoices = senders.map((s) => ({ ...s, selected: s.email.toLowerCase() === chosen, stale: false }));
    // A campaign saved before its sender was removed keeps showing it, marked, until another is chosen.
    if (chosen && !senderChoices.some((s) => s.selected))
      senderChoices.push({ name: '', email: String(form.fromEmail), selected: true, stale: true });
    this.views.page(req, res, 'campaigns/settings', {
      title: `${campaign.name}: settings`,
      nav: 'campaigns',
      status,
      campaign,
      steps: this.pages.steps(campaign.id, 'settings'),
      form,
      senders,
      senderChoices,
      defaultFrom: this.pages.defaultFrom(),
      errors: errors ?? {},
      alert: errors ? (errors.form ?? 'Please correct the fields marked below') : null,
    });
  }

  private async showReview(
    req: AdminRequest,
    res: Response,
    campaign: CampaignView,
    opts: { testEmails?: string; sendAt?: string; errors?: FieldErrors; status?: number } = {},
  ): Promise<void> {
    const lists = await this.pages.allLists();
    const recipients = await this.pages.recipientCount(campaign);
    let preview: {
      subject: string;
      html: string;
      recipient: { email: string; name: string } | null;
      footerNotice: string | null;
    } | null = null;
    let previewError: string | null = null;
    try {
      const p = await this.campaigns.preview(campaign.id);
      preview = { ...p, html: framed(p.html) };
    } catch (e) {
      if (!(e instanceof TemplateDataError)) throw e;
      previewError = messageOf(e);
    }
    const content = campaign.templateId
      ? await this.pages.templateChoices().then((cs) => cs.find((c) => c.value === campaign.templateId))
      : null;
    this.views.page(req, res, 'campaigns/review', {
      title: `${campaign.name}: review`,
      nav: 'campaigns',
      status: opts.status,
      campaign,
      steps: this.pages.steps(campaign.id, 'review'),
      listNames: lists.filter((l) => campaign.listIds.includes(l.id)).map((l) => l.name),
      noLists: campaign.listIds.length === 0,
      recipients,
      contentLabel: content
        ? `Template “${content.name}” (its current version is sent)`
        : (writtenLabel(campaign) ?? 'Its own MJML'),
      from: fromOf(campaign, this.pages.defaultFrom()),
      preview,
      previewError,
      testEmails: opts.testEmails ?? req.adminUser?.email ?? '',
      sendAt: opts.sendAt ?? '',
      scheduleLater: Boolean(opts.sendAt),
      timeZone: req.adminUser?.timeZone ?? 'UTC',
      sendAtLabel: `Or schedule for (${req.adminUser?.timeZone ?? 'UTC'})`,
      errors: opts.errors ?? {},
      confirmSend: `Send “${campaign.name}” to ${recipients.toLocaleString('en-US')} recipient${recipients === 1 ? '' : 's'} now?`,
    });
  }
}

function settingsFormOf(c: CampaignView) {
  return {
    name: c.name,
    subject: c.subject,
    fromName: c.fromName ?? '',
    fromEmail: c.fromEmail ?? '',
    trackOpens: c.trackOpens,
    trackClicks: c.trackClicks,
    archive: c.archive,
  };
}

/** Why a typed send time cannot be used, in the editor's words: a DST gap is named as such. */
function sendAtProblem(typed: string, zone: string, reason: 'invalid' | 'nonexistent'): string {
  if (reason === 'invalid') return `Give a date and time (${zone})`;
  const [day, time] = typed.split('T');
  return `${time} on ${day} does not exist in ${zone}: the clocks skip that hour (daylight saving time starts). Choose another time.`;
}
