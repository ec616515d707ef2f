import { BadRequestException, Body, Get, HttpException, Post, Query, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { MinRole } from '../../auth/auth.decorators';
import { IdParam } from '../../common/id-param';
import { ListsService } from '../../lists/lists.service';
import { CreateSegmentDto } from '../../segments/dto/segment.dto';
import type { RuleInput } from '../../segments/segment-rules';
import { SegmentPreview, SegmentsService, SegmentView } from '../../segments/segments.service';
import { AdminController } from '../admin-controller';
import { FieldErrors, messageOf, validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { pageParam, pagerOf } from '../pager';
import { ruleMessages, segmentFormOf, SegmentFormValues } from './segment-form';

const PAGE_SIZE = 25;

/**
 * /admin/segments: the saved segments, and the rule builder. The page script builds the rules (field, operator,
 * value) into the hidden `rules` field as JSON and asks preview.json for the live count as they change.
 */
@AdminController('segments')
export class AdminSegmentsController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly lists: ListsService,
    private readonly views: AdminViews,
  ) {}

  @Get()
  async index(@Req() req: AdminRequest, @Res() res: Response, @Query('page') page?: string): Promise<void> {
    const current = pageParam(page);
    const found = await this.segments.list({ page: current, limit: PAGE_SIZE });
    this.views.page(req, res, 'segments/index', {
      title: 'Segments',
      nav: 'segments',
      segments: found.items.map((s) => ({ ...s, ruleCount: s.rules.length })),
      pager: pagerOf('/admin/segments', {}, current, PAGE_SIZE, found.total),
    });
  }

  @Get('new')
  @MinRole('editor')
  async create(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.form(req, res, { name: '', match: 'all', rules: '[]' });
  }

  /** The builder's live count: how many match the rules as they stand, and the newest of them. Reads only. */
  @Get('preview.json')
  async preview(@Query('match') match: unknown, @Query('rules') rules: unknown): Promise<SegmentPreview> {
    return this.segments.preview({ match: match === 'any' ? 'any' : 'all', rules: parseJsonRules(rules) });
  }

  @Post()
  async save(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    await this.store(req, res, body, null);
  }

  @Get(':id')
  async edit(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const segment = await this.segments.get(id);
    const count = await this.segments.count(id);
    await this.form(req, res, segmentFormOf(segment), {}, 200, segment, count.count);
  }

  @Post(':id')
  async update(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    await this.store(req, res, body, await this.segments.get(id));
  }

  @Post(':id/delete')
  async remove(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const segment = await this.segments.get(id);
    try {
      await this.segments.remove(id);
    } catch (e) {
      if (!(e instanceof HttpException)) throw e;
      return this.form(req, res, segmentFormOf(segment), { form: messageOf(e) }, e.getStatus(), segment);
    }
    this.views.redirect(res, '/admin/segments', `Segment “${segment.name}” deleted`);
  }

  private async store(
    req: AdminRequest,
    res: Response,
    body: Record<string, unknown>,
    stored: SegmentView | null,
  ): Promise<void> {
    const values: SegmentFormValues = {
      name: typeof body.name === 'string' ? body.name : '',
      match: body.match === 'any' ? 'any' : 'all',
      rules: typeof body.rules === 'string' ? body.rules : '[]',
    };
    let rules: RuleInput[];
    try {
      rules = parseJsonRules(values.rules);
    } catch (e) {
      return this.form(req, res, values, { rules: messageOf(e as HttpException) }, 400, stored);
    }
    const { value, errors } = await validateForm(CreateSegmentDto, { ...values, rules });
    if (errors) return this.form(req, res, values, errors, 400, stored);
    try {
      const saved = stored ? await this.segments.update(stored.id, value) : await this.segments.create(value);
      this.views.redirect(res, `/admin/segments/${saved.id}`, `Segment “${saved.name}” saved`);
    } catch (e) {
      if (!(e instanceof BadRequestException)) throw e;
      return this.form(req, res, values, { rules: ruleMessages(e) }, 400, stored);
    }
  }

  private async form(
    req: AdminRequest,
    res: Response,
    values: SegmentFormValues,
    errors: FieldErrors = {},
    status = 200,
    stored: SegmentView | null = null,
    count: number | null = null,
  ): Promise<void> {
    const lists = (await this.lists.list({ page: 1, limit: 1000 })).items.map((l) => ({ id: l.id, name: l.name }));
    this.views.page(req, res, 'segments/edit', {
      title: stored ? `Segment: ${stored.name}` : 'New segment',
      nav: 'segments',
      status,
      stored,
      values,
      count,
      listsJson: JSON.stringify(lists),
      errors,
    });
  }
}

/** The rules as the builder sends them: a JSON array. */
function parseJsonRules(text: unknown): RuleInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof text === 'string' && text ? text : '[]');
  } catch {
    throw new BadRequestException('rules must be a JSON array');
  }
  if (!Array.isArray(parsed)) throw new BadRequestException('rules must be a JSON array');
  // each rule is checked by the service (parseRules), which names the wrong ones
  return parsed as RuleInput[];
}
