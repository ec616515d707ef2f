import { MinRole } from '../../auth/auth.decorators';
import { BadRequestException, Body, Get, Post, Query, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { IdParam } from '../../common/id-param';
import { ListView, ListsService } from '../../lists/lists.service';
import { ListSubscribersQuery } from '../../subscribers/dto/list-subscribers.query';
import { CreateSubscriberDto, UpdateSubscriberDto } from '../../subscribers/dto/subscriber.dto';
import { OrdersService, OrderView } from '../../orders/orders.service';
import { emailKeyOf } from '../../subscribers/email-key';
import { SubscriberView } from '../../subscribers/subscriber.view';
import { SubscribersService } from '../../subscribers/subscribers.service';
import { AdminController } from '../admin-controller';
import { FieldErrors, validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { pageParam, pagerOf } from '../pager';
import {
  dtoFields,
  fieldErrorOf,
  formValuesOf,
  listChoices,
  SubscriberFormValues,
  submittedValues,
} from './subscriber-form';

const PAGE_SIZE = 25;
/** Orders shown on a subscriber's page, newest first. */
const ORDERS_SHOWN = 20;

/** /admin/subscribers: search and filter, add, edit, blocklist and delete. */
@AdminController('subscribers')
export class AdminSubscribersController {
  constructor(
    private readonly subscribers: SubscribersService,
    private readonly lists: ListsService,
    private readonly views: AdminViews,
    private readonly orders: OrdersService,
  ) {}

  @Get()
  async index(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const filters = {
      search: typeof query.search === 'string' ? query.search.slice(0, 320) : '',
      listId: typeof query.listId === 'string' ? query.listId : '',
      status: typeof query.status === 'string' ? query.status : '',
    };
    const page = pageParam(query.page);
    const { value, errors } = await validateForm(ListSubscribersQuery, {
      search: filters.search || undefined,
      listId: filters.listId || undefined,
      status: ['enabled', 'blocklisted'].includes(filters.status) ? filters.status : undefined,
      page: String(page),
      limit: String(PAGE_SIZE),
    });
    const lists = await this.allLists();
    let found: { items: SubscriberView[]; total: number } = { items: [], total: 0 };
    let filterError = errors ? Object.values(errors)[0] : null;
    if (!errors) {
      try {
        found = await this.subscribers.list(value);
      } catch (err) {
        if (!(err instanceof BadRequestException)) throw err;
        filterError = err.message;
      }
    }
    const names = new Map(lists.map((l) => [l.id, l.name]));
    this.views.page(req, res, 'audience/subscribers/index', {
      title: 'Subscribers',
      nav: 'subscribers',
      filters,
      filtered: Boolean(filters.search || filters.listId || filters.status),
      filterError,
      lists: lists.map((l) => ({ id: l.id, name: l.name, selected: l.id === filters.listId })),
      subscribers: found.items.map((s) => ({
        ...s,
        memberships: s.lists.map((m) => ({ name: names.get(m.listId) ?? '?', status: m.status })),
      })),
      pager: pagerOf('/admin/subscribers', filters, page, PAGE_SIZE, found.total),
    });
  }

  @Get('new')
  @MinRole('editor')
  async newForm(@Req() req: AdminRequest, @Res() res: Response, @Query('listId') listId?: string): Promise<void> {
    await this.form(req, res, {
      email: '',
      name: '',
      attributesText: '',
      listIds: listId ? [listId] : [],
      preconfirm: false,
    });
  }

  @Post()
  async create(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const values = submittedValues(body);
    const { fields, errors: parseErrors } = dtoFields(values);
    const { value, errors } = await validateForm(CreateSubscriberDto, fields);
    const all = { ...(errors ?? {}), ...parseErrors };
    if (Object.keys(all).length) return this.form(req, res, values, all, 400);
    try {
      const created = await this.subscribers.create(value);
      this.views.redirect(res, `/admin/subscribers/${created.id}`, `Subscriber ${created.email} added`);
    } catch (err) {
      const fieldErrors = fieldErrorOf(err);
      await this.form(req, res, values, fieldErrors, fieldErrors.email ? 409 : 400);
    }
  }

  @Get(':id')
  async edit(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const subscriber = await this.subscribers.view(id);
    await this.form(req, res, formValuesOf(subscriber), {}, 200, subscriber);
  }

  @Post(':id')
  async update(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const stored = await this.subscribers.view(id);
    const values: SubscriberFormValues = { ...submittedValues(body), id, status: stored.status };
    const { fields, errors: parseErrors } = dtoFields(values);
    const { value, errors } = await validateForm(UpdateSubscriberDto, fields);
    const all = { ...(errors ?? {}), ...parseErrors };
    if (Object.keys(all).length) return this.form(req, res, values, all, 400, stored);
    try {
      const saved = await this.subscribers.update(id, value);
      this.views.redirect(res, `/admin/subscribers/${id}`, `Subscriber ${saved.email} saved`);
    } catch (err) {
      const fieldErrors = fieldErrorOf(err);
      await this.form(req, res, values, fieldErrors, fieldErrors.email ? 409 : 400, stored);
    }
  }

  @Post(':id/blocklist')
  async blocklist(@Res() res: Response, @IdParam() id: string): Promise<void> {
    const s = await this.subscribers.update(id, { status: 'blocklisted' });
    this.views.redirect(res, `/admin/subscribers/${id}`, `${s.email} is blocklisted: no campaign will reach them`);
  }

  @Post(':id/unblock')
  async unblock(@Res() res: Response, @IdParam() id: string): Promise<void> {
    const s = await this.subscribers.update(id, { status: 'enabled' });
    this.views.redirect(res, `/admin/subscribers/${id}`, `${s.email} is no longer blocklisted`);
  }

  @Post(':id/delete')
  async remove(@Res() res: Response, @IdParam() id: string): Promise<void> {
    const s = await this.subscribers.view(id);
    await this.subscribers.remove(id);
    this.views.redirect(res, '/admin/subscribers', `Subscriber ${s.email} deleted`);
  }

  private async form(
    req: AdminRequest,
    res: Response,
    values: SubscriberFormValues,
    errors: FieldErrors = {},
    status = 200,
    stored?: SubscriberView,
  ): Promise<void> {
    const lists = await this.allLists();
    const names = new Map(lists.map((l) => [l.id, l.name]));
    this.views.page(req, res, 'audience/subscribers/form', {
      title: stored ? stored.email : 'Add subscriber',
      nav: 'subscribers',
      status,
      editing: Boolean(stored),
      subscriber: values,
      stored: stored && {
        ...stored,
        blocklisted: stored.status === 'blocklisted',
        memberships: stored.lists.map((m) => ({
          listId: m.listId,
          name: names.get(m.listId) ?? '?',
          status: m.status,
        })),
      },
      choices: listChoices(lists, values.listIds, stored?.lists),
      orders: stored ? await this.ordersOf(stored.email) : null,
      errors,
    });
  }

  /** The newest orders kept for the address (the order history), and how many there are. */
  private async ordersOf(email: string): Promise<{ items: OrderView[]; total: number; more: boolean }> {
    const key = emailKeyOf(email);
    const [items, total] = await Promise.all([
      this.orders.ofAddress(key, ORDERS_SHOWN),
      this.orders.countOfAddress(key),
    ]);
    return { items, total, more: total > items.length };
  }

  /** Every list, for the filter and the checkboxes (the API's largest page). */
  private async allLists(): Promise<ListView[]> {
    return (await this.lists.list({ page: 1, limit: 1000 })).items;
  }
}
