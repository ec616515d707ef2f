import { MinRole } from '../../auth/auth.decorators';
import { BadRequestException, Body, Get, Post, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { Response } from 'express';
import { rm } from 'node:fs/promises';
import { BodyTypes } from '../../common/body-types';
import { IdParam } from '../../common/id-param';
import { CreateImportDto } from '../../imports/dto/create-import.dto';
import { ImportsService } from '../../imports/imports.service';
import { DeleteUploadOnError, MAX_UPLOAD_BYTES } from '../../imports/upload';
import { ListView, ListsService } from '../../lists/lists.service';
import { AdminController } from '../admin-controller';
import { FieldErrors, formArray, messageOf, validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { CsrfInMultipartBody, csrfFileFilter, MultipartCsrfCheck } from '../session/multipart-csrf';
import { AdminViews } from '../views/admin-views.service';
import { ImportProgressService } from './import-progress.service';
import { pageParam, pagerOf } from '../pager';

const PAGE_SIZE = 25;

/** /admin/imports: upload a CSV, watch it run, read the rejected rows; the recent imports. */
@AdminController('imports')
export class AdminImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly progress: ImportProgressService,
    private readonly lists: ListsService,
    private readonly views: AdminViews,
  ) {}

  @Get()
  async index(@Req() req: AdminRequest, @Res() res: Response, @Query('page') page?: string): Promise<void> {
    const p = pageParam(page);
    const [found, lists] = await Promise.all([this.imports.list({ page: p, limit: PAGE_SIZE }), this.allLists()]);
    const names = new Map(lists.map((l) => [l.id, l.name]));
    this.views.page(req, res, 'audience/imports/index', {
      title: 'Imports',
      nav: 'subscribers',
      imports: found.items.map((i) => ({
        ...i,
        listNames: i.listIds.map((id) => names.get(id) ?? 'deleted list').join(', '),
      })),
      pager: pagerOf('/admin/imports', {}, p, PAGE_SIZE, found.total),
    });
  }

  @Get('new')
  @MinRole('editor')
  async newForm(@Req() req: AdminRequest, @Res() res: Response, @Query('listId') listId?: string): Promise<void> {
    await this.form(req, res, { mode: 'subscribe', listIds: listId ? [listId] : [], confirmation: '' });
  }

  /** Multipart: the CSRF token comes first in the body, and is checked before the file is stored. */
  @Post()
  @CsrfInMultipartBody()
  @BodyTypes('multipart/form-data')
  @UseInterceptors(FileInterceptor('file', { fileFilter: csrfFileFilter }), MultipartCsrfCheck, DeleteUploadOnError)
  async create(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const submitted = {
      mode: typeof body.mode === 'string' ? body.mode : 'subscribe',
      listIds: formArray(body.listIds),
      confirmation: typeof body.confirmation === 'string' ? body.confirmation : '',
    };
    const { value, errors } = await validateForm(CreateImportDto, {
      ...submitted,
      confirmation: submitted.confirmation || undefined,
    });
    const all: FieldErrors = { ...(errors ?? {}) };
    // The API defaults to "consented"; an editor says which, when a double opt-in list is chosen.
    if (!all.confirmation && !value.confirmation && (await this.needsConfirmationChoice(submitted))) {
      all.confirmation =
        'Choose whether the people you import into a double opt-in list are sent a confirmation mail, or already agreed';
    }
    if (!file) all.file = 'Choose a CSV file to import';
    else if (file.size === 0) all.file = 'The file is empty';
    if (Object.keys(all).length || !file) {
      if (file) await rm(file.path, { force: true });
      return this.form(req, res, submitted, all, 400);
    }
    try {
      const { id } = await this.imports.create(file, value, req.adminUser!.email);
      this.progress.estimate(id, file.path);
      this.views.redirect(res, `/admin/imports/${id}`, `Importing ${file.originalname || 'the file'}…`);
    } catch (err) {
      if (!(err instanceof BadRequestException)) throw err;
      await rm(file.path, { force: true });
      const message = messageOf(err);
      const field = message.startsWith('file: ') ? 'file' : /^(listIds|List )/.test(message) ? 'listIds' : 'form';
      await this.form(req, res, submitted, { [field]: message.replace(/^file: /, '') }, 400);
    }
  }

  @Get(':id')
  async show(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const [found, lists] = await Promise.all([this.imports.get(id), this.allLists()]);
    const names = new Map(lists.map((l) => [l.id, l.name]));
    const progress = this.progress.progressOf(found);
    this.views.page(req, res, 'audience/imports/show', {
      title: `Import of ${found.fileName}`,
      nav: 'subscribers',
      imp: found,
      progress,
      running: !progress.done,
      listNames: found.listIds.map((l) => names.get(l) ?? 'deleted list').join(', '),
      moreErrors: Math.max(0, found.skipped - found.errors.length),
    });
  }

  @Get(':id/progress.json')
  async progressJson(@Res() res: Response, @IdParam() id: string): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.json(this.progress.progressOf(await this.imports.get(id)));
  }

  private async form(
    req: AdminRequest,
    res: Response,
    values: { mode: string; listIds: string[]; confirmation: string },
    errors: FieldErrors = {},
    status = 200,
  ): Promise<void> {
    const lists = await this.allLists();
    this.views.page(req, res, 'audience/imports/new', {
      title: 'Import subscribers',
      nav: 'subscribers',
      status,
      values,
      choices: lists.map((l) => ({ id: l.id, name: l.name, optIn: l.optIn, checked: values.listIds.includes(l.id) })),
      hasLists: lists.length > 0,
      hasDoubleLists: lists.some((l) => l.optIn === 'double'),
      maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024,
      errors,
    });
  }

  private async needsConfirmationChoice(values: { mode: string; listIds: string[] }): Promise<boolean> {
    if (values.mode !== 'subscribe') return false;
    return (await this.allLists()).some((l) => l.optIn === 'double' && values.listIds.includes(l.id));
  }

  private async allLists(): Promise<ListView[]> {
    return (await this.lists.list({ page: 1, limit: 1000 })).items;
  }
}
