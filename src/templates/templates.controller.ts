import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MinRole } from '../auth/auth.decorators';
import { IdParam } from '../common/id-param';
import { PreviewTemplateDto, RenderTemplateDto } from './dto/render.dto';
import { CreateTemplateDto, ListTemplatesQuery, UpdateTemplateDto } from './dto/template.dto';
import { RendererService } from './render/renderer.service';
import { TemplatesService } from './templates.service';

/** Templates: viewers read, editors write and preview (a preview runs whatever template it is given). */
@ApiTags('templates')
@ApiBearerAuth()
@Controller('api/templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly renderer: RendererService,
  ) {}

  @Get()
  list(@Query() query: ListTemplatesQuery) {
    return this.templates.list(query.page, query.limit, query);
  }

  @Post()
  create(@Body() body: CreateTemplateDto) {
    return this.templates.create(body);
  }

  /** MJML + data in, the message out as it would be sent, with MJML's and Handlebars' findings. */
  @Post('preview')
  @HttpCode(200)
  @MinRole('editor')
  preview(@Body() body: PreviewTemplateDto) {
    return this.renderer.preview(body.mjml, body.subject, body.data, body.text);
  }

  /** A template by slug (stored overrides built-in) filled with data; missing required data is a 400. */
  @Post('render')
  @HttpCode(200)
  @MinRole('viewer')
  render(@Body() body: RenderTemplateDto) {
    return this.templates.render(body.template, body.data ?? {});
  }

  @Get('built-in/:slug')
  builtIn(@Param('slug') slug: string) {
    return this.templates.getBuiltIn(slug);
  }

  @Get(':id')
  get(@IdParam() id: string) {
    return this.templates.get(id);
  }

  @Patch(':id')
  update(@IdParam() id: string, @Body() body: UpdateTemplateDto) {
    return this.templates.update(id, body);
  }

  /** 201 a new template "Copy of …" with the same content, its own slug, at version 1. */
  @Post(':id/clone')
  clone(@IdParam() id: string) {
    return this.templates.clone(id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@IdParam() id: string) {
    return this.templates.remove(id);
  }
}
