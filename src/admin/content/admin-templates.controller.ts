import { Body, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { MinRole } from '../../auth/auth.decorators';
import { IdParam } from '../../common/id-param';
import { CreateTemplateDto, UpdateTemplateDto } from '../../templates/dto/template.dto';
import { TemplateKind } from '../../templates/template-kinds';
import { TemplatesService } from '../../templates/templates.service';
import { AdminController } from '../admin-controller';
import { pageParam } from '../pager';
import { FieldErrors, validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { AdminPreviewDto } from './dto/admin-preview.dto';
import { FormFailure, formFailure, text } from './form-errors';
import { STARTER_MJML } from './starter-mjml';
import { EditorPreview, TemplatePreviewService } from './template-preview.service';

interface TemplateForm {
  name: string;
  slug: string;
  kind: TemplateKind;
  subject: string;
  mjml: string;
}

const PAGE_SIZE = 50;

/** /admin/templates: stored and built-in templates, the MJML editor with its live preview. */
@AdminController('templates')
export class AdminTemplatesController {
  constructor(
    private readonly views: AdminViews,
    private readonly templates: TemplatesService,
    private readonly previews: TemplatePreviewService,
  ) {}

  @Get()
  async index(@Req() req: AdminRequest, @Res() res: Response, @Query('page') pageQuery?: string): Promise<void> {
    const page = pageParam(pageQuery);
    const found = await this.templates.list(page, PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    this.views.page(req, res, 'templates/index', {
      title: 'Templates',
      nav: 'templates',
      stored: found.items.filter((t) => !t.builtIn),
      builtIns: found.items.filter((t) => t.builtIn),
      pager: pages > 1 ? { page, pages, prev: page > 1 ? page - 1 : null, next: page < pages ? page + 1 : null } : null,
    });
  }

  @Get('new')
  @MinRole('editor')
  async create(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const form: TemplateForm = { name: '', slug: '', kind: 'campaign', subject: 'News from us', mjml: STARTER_MJML };
    await this.editor(req, res, form, { isNew: true });
  }

  @Post()
  async store(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const form = formOf(body);
    const { value, errors } = await validateForm(CreateTemplateDto, { ...form, slug: text(form.slug) });
    if (errors) return this.editor(req, res, form, { isNew: true, errors, status: 400 });
    try {
      const created = await this.templates.create(value);
      this.views.redirect(res, `/admin/templates/${created.id}`, `Template “${created.name}” created`);
    } catch (e) {
      await this.editor(req, res, form, { isNew: true, failure: formFailure(e, 'slug'), status: 400 });
    }
  }

  /** JSON for the editor's live preview: the same renderer as POST /api/templates/preview; editors only. */
  @Post('preview')
  @HttpCode(200)
  @MinRole('editor')
  async preview(@Body() body: AdminPreviewDto): Promise<EditorPreview> {
    return this.previews.preview(body.mjml, body.subject ?? '', body.kind ?? 'campaign', body.slug);
  }

  @Get('built-in/:slug')
  async builtIn(@Req() req: AdminRequest, @Res() res: Response, @Param('slug') slug: string): Promise<void> {
    const t = await this.templates.getBuiltIn(slug);
    const form: TemplateForm = { name: t.name, slug: t.slug, kind: t.kind, subject: t.subject, mjml: t.mjml };
    await this.editor(req, res, form, { builtIn: t, readOnly: true });
  }

  @Get('built-in/:slug/preview')
  async builtInPreview(@Res() res: Response, @Param('slug') slug: string): Promise<void> {
    const t = await this.templates.getBuiltIn(slug);
    sendPreview(res, await this.previews.preview(t.mjml, t.subject, t.kind, t.slug));
  }

  /** A stored copy of the built-in with the same slug: it is used instead of the file from now on. */
  @Post('built-in/:slug/customise')
  async customise(@Res() res: Response, @Param('slug') slug: string): Promise<void> {
    const t = await this.templates.getBuiltIn(slug);
    if (t.overriddenBy)
      return this.views.redirect(
        res,
        `/admin/templates/${t.overriddenBy}`,
        'This built-in template is already customised: here is your copy',
      );
    const created = await this.templates.create({
      name: t.name,
      slug: t.slug,
      kind: t.kind,
      subject: t.subject,
      mjml: t.mjml,
      text: t.text,
    });
    this.views.redirect(
      res,
      `/admin/templates/${created.id}`,
      `Your copy of “${t.name}” is now used instead of the built-in one`,
    );
  }

  @Get(':id')
  async edit(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const t = await this.templates.get(id);
    await this.editor(
      req,
      res,
      { name: t.name, slug: t.slug, kind: t.kind, subject: t.subject, mjml: t.mjml },
      { template: t },
    );
  }

  @Get(':id/preview')
  async storedPreview(@Res() res: Response, @IdParam() id: string): Promise<void> {
    const t = await this.templates.get(id);
    sendPreview(res, await this.previews.preview(t.mjml, t.subject, t.kind, t.slug));
  }

  @Post(':id')
  async update(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const template = await this.templates.get(id);
    const form = formOf(body);
    const { value, errors } = await validateForm(UpdateTemplateDto, { ...form, slug: text(form.slug) });
    if (errors) return this.editor(req, res, form, { template, errors, status: 400 });
    try {
      const saved = await this.templates.update(id, value);
      this.views.redirect(res, `/admin/templates/${id}`, `Template saved (version ${saved.version})`);
    } catch (e) {
      await this.editor(req, res, form, { template, failure: formFailure(e, 'slug'), status: 400 });
    }
  }

  @Post(':id/clone')
  async clone(@Res() res: Response, @IdParam() id: string): Promise<void> {
    const copy = await this.templates.clone(id);
    this.views.redirect(res, `/admin/templates/${copy.id}`, `Cloned: this is “${copy.name}”, a new template`);
  }

  @Post(':id/delete')
  async remove(@Res() res: Response, @IdParam() id: string): Promise<void> {
    const t = await this.templates.get(id);
    await this.templates.remove(id);
    this.views.redirect(res, '/admin/templates', `Template “${t.name}” deleted`);
  }

  private async editor(
    req: AdminRequest,
    res: Response,
    form: TemplateForm,
    opts: {
      isNew?: boolean;
      template?: unknown;
      builtIn?: unknown;
      readOnly?: boolean;
      errors?: FieldErrors;
      failure?: FormFailure;
      status?: number;
    },
  ): Promise<void> {
    const kind: TemplateKind = form.kind === 'transactional' ? 'transactional' : 'campaign';
    const preview = await this.previews.preview(form.mjml || '<mjml></mjml>', form.subject, kind, form.slug || null);
    const errors = { ...(opts.errors ?? {}), ...(opts.failure?.errors ?? {}) };
    const title = opts.isNew ? 'New template' : form.name || 'Template';
    this.views.page(req, res, 'templates/edit', {
      title,
      nav: 'templates',
      status: opts.status,
      form,
      isNew: opts.isNew ?? false,
      template: opts.template,
      builtIn: opts.builtIn,
      readOnly: opts.readOnly ?? false,
      action: opts.isNew
        ? '/admin/templates'
        : opts.template
          ? `/admin/templates/${(opts.template as { id: string }).id}`
          : null,
      errors,
      alert: opts.failure?.alert ?? (opts.errors ? 'Please correct the fields marked below' : null),
      // after a refused save the service's findings; otherwise the preview's (the same renderer)
      problems: opts.failure?.problems.length ? opts.failure.problems : preview.errors,
      preview,
      variables: (await this.previews.variables(kind, form.slug || null)).map((v) => ({
        ...v,
        token: `{{${v.name}}}`,
      })),
    });
  }
}

function formOf(body: Record<string, unknown>): TemplateForm {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    name: str(body.name),
    slug: str(body.slug).trim(),
    kind: str(body.kind) as TemplateKind,
    subject: str(body.subject),
    mjml: str(body.mjml).replace(/\r\n/g, '\n'),
  };
}

/** A rendered preview as a page of its own (an iframe's src): sandboxed, no scripts, images from anywhere. */
function sendPreview(res: Response, preview: EditorPreview): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; img-src * data:; style-src 'unsafe-inline' https:; font-src https: data:; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox",
  );
  res.type('html').send(preview.html || '<p>This template renders nothing yet.</p>');
}
