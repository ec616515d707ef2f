import { MinRole } from '../../auth/auth.decorators';
import { Body, ConflictException, Get, Post, Query, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { IdParam } from '../../common/id-param';
import { CreateListDto } from '../../lists/dto/list.dto';
import { ListsService } from '../../lists/lists.service';
import { AdminController } from '../admin-controller';
import { FieldErrors, validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { ListExportService } from './list-export.service';
import { pageParam, pagerOf } from '../pager';

const PAGE_SIZE = 50;
type ListForm = { id?: string; name?: unknown; description?: unknown; optIn?: unknown; visibility?: unknown };

/** /admin/lists: the lists with their member counts; create, edit, delete, export. */
@AdminController('lists')
export class AdminListsController {
  constructor(
    private readonly lists: ListsService,
    private readonly exports: ListExportService,
    private readonly views: AdminViews,
  ) {}

  @Get()
  async index(@Req() req: AdminRequest, @Res() res: Response, @Query('page') page?: string): Promise<void> {
    const p = pageParam(page);
    const found = await this.lists.list({ page: p, limit: PAGE_SIZE });
    this.views.page(req, res, 'audience/lists/index', {
      title: 'Lists',
      nav: 'lists',
      lists: found.items,
      pager: pagerOf('/admin/lists', {}, p, PAGE_SIZE, found.total),
    });
  }

  @Get('new')
  @MinRole('editor')
  newForm(@Req() req: AdminRequest, @Res() res: Response): void {
    this.form(req, res, { optIn: 'single', visibility: 'public' });
  }

  @Post()
  async create(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const { value, errors } = await validateForm(CreateListDto, listFields(body));
    if (errors) return this.form(req, res, body, errors, 400);
    const list = await this.lists.create(value).catch(nameTaken);
    if (!list) return this.form(req, res, body, { name: nameTakenMessage(value.name) }, 409);
    this.views.redirect(res, '/admin/lists', `List “${list.name}” created`);
  }

  @Get(':id')
  async edit(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    this.form(req, res, await this.lists.get(id));
  }

  @Post(':id')
  async update(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    await this.lists.get(id); // 404 before validating a form for a list that is gone
    const { value, errors } = await validateForm(CreateListDto, listFields(body));
    if (errors) return this.form(req, res, { ...body, id }, errors, 400);
    const list = await this.lists.update(id, value).catch(nameTaken);
    if (!list) return this.form(req, res, { ...body, id }, { name: nameTakenMessage(value.name) }, 409);
    this.views.redirect(res, '/admin/lists', `List “${list.name}” saved`);
  }

  @Post(':id/delete')
  async remove(@Res() res: Response, @IdParam() id: string): Promise<void> {
    const list = await this.lists.get(id);
    await this.lists.remove(id);
    this.views.redirect(res, '/admin/lists', `List “${list.name}” deleted`);
  }

  @Get(':id/export.csv')
  async export(@Res() res: Response, @IdParam() id: string): Promise<void> {
    await this.exports.stream(id, res);
  }

  private form(
    req: AdminRequest,
    res: Response,
    list: ListForm,
    errors: FieldErrors | null = null,
    status = 200,
  ): void {
    const editing = Boolean(list.id);
    this.views.page(req, res, 'audience/lists/form', {
      title: editing ? `Edit list` : 'New list',
      nav: 'lists',
      status,
      editing,
      list,
      errors: errors ?? {},
    });
  }
}

/** Another list has that name (ListsService answers 409): null, for the form to say so beside the name. */
function nameTaken(err: unknown): null {
  if (err instanceof ConflictException) return null;
  throw err;
}

function nameTakenMessage(name: string): string {
  return `There is already a list called “${name.trim()}” (capitals and spaces around it do not count): choose another name`;
}

/** The form's fields as the DTO takes them: an empty description is none. */
function listFields(body: Record<string, unknown>): Record<string, unknown> {
  const description = typeof body.description === 'string' && body.description.trim() ? body.description : null;
  return { name: body.name ?? '', description, optIn: body.optIn, visibility: body.visibility ?? 'public' };
}
