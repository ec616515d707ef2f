import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BuiltInTemplates } from './built-in-templates';
import { MjmlCompiler } from './render/mjml-compiler';
import { RendererService } from './render/renderer.service';
import { TemplateVersion } from './template-version.entity';
import { Template } from './template.entity';
import { TemplateVersionRepository } from './template-version.repository';
import { TemplateRepository } from './template.repository';
import { SocialIconsController } from './social-icons.controller';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

/**
 * Templates and rendering. Senders use TemplatesService.resolve(slug) / getVersion(id) to find what to
 * render and RendererService.renderVersion(source, data) (or compile + fill in a loop) to render it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Template, TemplateVersion])],
  controllers: [TemplatesController, SocialIconsController],
  providers: [MjmlCompiler, RendererService, BuiltInTemplates, TemplateRepository, TemplateVersionRepository, TemplatesService],
  exports: [RendererService, TemplatesService, MjmlCompiler, TemplateRepository, TemplateVersionRepository],
})
export class TemplatesModule {}
