import { Body, HttpCode, Post } from '@nestjs/common';
import { MinRole } from '../../auth/auth.decorators';
import { CampaignLayouts } from '../../campaigns/content-formats/campaign-layouts.service';
import { AdminController } from '../admin-controller';
import { WrittenPreviewDto } from './dto/written-preview.dto';
import { EditorPreview, TemplatePreviewService } from './template-preview.service';

/** JSON for the content step's live preview of Markdown or rich text in a layout (src/admin/client/compose.ts). */
@AdminController('compose')
export class AdminComposeController {
  constructor(
    private readonly layouts: CampaignLayouts,
    private readonly previews: TemplatePreviewService,
  ) {}

  /** The mail as it would be sent, with sample data; what cannot be composed is a 400 naming it, as on saving. */
  @Post('preview')
  @HttpCode(200)
  @MinRole('editor')
  async preview(@Body() body: WrittenPreviewDto): Promise<EditorPreview> {
    const mjml = await this.layouts.compose(body.format, body.content, body.layout);
    return this.previews.preview(mjml, body.subject ?? '', 'campaign');
  }
}
