import { Get, Query, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { IdParam } from '../../common/id-param';
import { ListMessagesQuery } from '../../delivery/dto/list-messages.query';
import { AdminController } from '../admin-controller';
import { validateForm } from '../admin-form';
import { pagerOf } from '../pager';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { MessageLogPageService } from './message-log-page.service';

const PAGE_SIZE = 25;

/** The message log (viewers and up): every message of both streams, of every kind, searchable by address, name or order number. */
@AdminController('messages')
export class MessageLogController {
  constructor(
    private readonly views: AdminViews,
    private readonly log: MessageLogPageService,
  ) {}

  @Get()
  async list(@Query() raw: Record<string, unknown>, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const text = (key: string) => (typeof raw[key] === 'string' ? raw[key] : '');
    const filters = { search: text('search'), stream: text('stream'), kind: text('kind') };
    const { value, errors } = await validateForm(ListMessagesQuery, {
      search: filters.search.trim() || undefined,
      stream: filters.stream || undefined,
      kind: filters.kind || undefined,
      page: raw.page ?? '1',
      limit: String(PAGE_SIZE),
    });
    const result = errors ? null : await this.log.list(value);
    this.views.page(req, res, 'messages/index', {
      title: 'Message log',
      nav: 'messages',
      status: errors ? 400 : 200,
      filters,
      filtered: Boolean(filters.search || filters.stream || filters.kind),
      errors,
      result,
      pager: result && pagerOf('/admin/messages', filters, result.page, PAGE_SIZE, result.total),
    });
  }

  @Get(':id')
  async show(@IdParam() id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const { message, events } = await this.log.get(id);
    this.views.page(req, res, 'messages/show', {
      title: `Message to ${message.to.email}`,
      nav: 'messages',
      message,
      events,
    });
  }
}
