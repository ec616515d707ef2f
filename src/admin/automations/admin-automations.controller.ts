import { Body, Get, HttpException, Post, Query, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { AutomationStatsService } from '../../automations/automation-stats.service';
import { AUTOMATION_EVENTS, AutomationStatus } from '../../automations/automation.repository';
import { AutomationView } from '../../automations/automation.view';
import { AutomationsService } from '../../automations/automations.service';
import { IdParam } from '../../common/id-param';
import { ListsService } from '../../lists/lists.service';
import { TemplatesService } from '../../templates/templates.service';
import { AdminController } from '../admin-controller';
import { messageOf } from '../admin-form';
import { STARTER_MJML } from '../content/starter-mjml';
import { pageParam, pagerOf } from '../pager';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { AutomationForm, dtoOf, formOf, formOfView, withBlankRows } from './automation-form';

const PAGE_SIZE = 50;
/** Lists and templates offered by the editor at most (pickers, not browsers). */
const CHOICES = 500;

const EVENT_LABELS: Record<string, string> = {
  'subscription.confirmed': 'Subscription confirmed',
  'order.placed': 'Order placed',
  'order.shipped': 'Order shipped',
  'order.delivered': 'Order delivered',
  inactive: 'Inactive for N days',
};

/**
 * /admin/automations: the list, the editor (trigger, lists, steps with delay, subject and content: a template
 * or MJML), pause / resume / stop, and each step's report. Plain forms (post/redirect/get) over AutomationsService.
 */
@AdminController('automations')
export class AdminAutomationsController {
  constructor(
    private readonly automations: AutomationsService,
    private readonly stats: AutomationStatsService,
    private readonly lists: ListsService,
    private readonly templates: TemplatesService,
    private readonly views: AdminViews,
  ) {}

  @Get()
  async index(@Req() req: AdminRequest, @Res() res: Response, @Query('page') page?: string): Promise<void> {
    const p = pageParam(page);
    const found = await this.automations.list(p, PAGE_SIZE);
    this.views.page(req, res, 'automations/index', {
      title: 'Automations',
      nav: 'automations',
      items: found.items.map((a) => ({ ...a, eventLabel: EVENT_LABELS[a.trigger.event], stepCount: a.steps.length })),
      pager: pagerOf('/admin/automations', {}, p, PAGE_SIZE, found.total),
    });
  }

  @Get('new')
  async create(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.editor(req, res, null, formOfView(null, STARTER_MJML), null, 200);
  }

  @Post()
  async createForm(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const form = formOf(body);
    try {
      const saved = await this.automations.create(dtoOf(form));
      this.views.redirect(res, `/admin/automations/${saved.id}`, `Created ${saved.name}`);
    } catch (err) {
      if (!(err instanceof HttpException) || err.getStatus() >= 500) throw err;
      await this.editor(
        req,
        res,
        null,
        { ...form, steps: withBlankRows(form.steps, STARTER_MJML) },
        messageOf(err),
        400,
      );
    }
  }

  @Get(':id')
  async show(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const a = await this.automations.get(id);
    await this.editor(req, res, a, formOfView(a, STARTER_MJML), null, 200);
  }

  @Post(':id')
  async updateForm(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const a = await this.automations.get(id);
    const form = formOf(body);
    try {
      await this.automations.update(id, dtoOf(form));
      this.views.redirect(res, `/admin/automations/${id}`, 'Saved');
    } catch (err) {
      if (!(err instanceof HttpException) || err.getStatus() >= 500) throw err;
      await this.editor(req, res, a, { ...form, steps: withBlankRows(form.steps, STARTER_MJML) }, messageOf(err), 400);
    }
  }

  /** Pause, resume or stop (the buttons on the editor). */
  @Post(':id/status')
  async status(@Res() res: Response, @IdParam() id: string, @Body('status') status: string): Promise<void> {
    const to: AutomationStatus = status === 'paused' || status === 'stopped' ? status : 'active';
    const saved = await this.automations.changeStatus(id, to);
    const said = { active: 'Resumed', paused: 'Paused', stopped: 'Stopped' }[saved.status];
    this.views.redirect(res, `/admin/automations/${id}`, `${said} ${saved.name}`);
  }

  private async editor(
    req: AdminRequest,
    res: Response,
    a: AutomationView | null,
    form: AutomationForm,
    error: string | null,
    status: number,
  ): Promise<void> {
    const lists = (await this.lists.list({ page: 1, limit: CHOICES })).items;
    const templates = (await this.templates.list(1, CHOICES, { kind: 'campaign' })).items.filter(
      (t): t is typeof t & { id: string } => 'id' in t && typeof t.id === 'string',
    );
    const report = a ? await this.stats.of(a.id) : null;
    this.views.page(req, res, 'automations/edit', {
      title: a ? a.name : 'New automation',
      nav: 'automations',
      status,
      automation: a,
      error,
      form: {
        ...form,
        steps: form.steps.map((s) => ({
          ...s,
          templates: templates.map((t) => ({ id: t.id, name: t.name, selected: t.id === s.templateId })),
          isTemplate: s.source === 'template',
        })),
      },
      events: AUTOMATION_EVENTS.map((e) => ({ value: e, label: EVENT_LABELS[e], selected: e === form.event })),
      lists: lists.map((l) => ({ id: l.id, name: l.name, checked: form.listIds.includes(l.id) })),
      report: report && { ...report, steps: report.steps.map((s) => ({ ...s, n: s.index + 1 })) },
      action: a ? `/admin/automations/${a.id}` : '/admin/automations',
    });
  }
}
