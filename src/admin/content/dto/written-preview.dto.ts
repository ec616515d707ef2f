import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_CONTENT, WrittenFormat } from '../../../campaigns/content-formats/content-format';
import { LAYOUT_ID } from '../../../campaigns/dto/campaign.dto';
import { MAX_SUBJECT } from '../../../templates/dto/template.dto';

/** What the content step's script sends for a live preview of Markdown or rich text in a layout. */
export class WrittenPreviewDto {
  @IsIn(['markdown', 'richtext'], { message: 'format must be markdown or richtext' })
  format: WrittenFormat;

  @IsString()
  @IsNotEmpty({ message: 'content must not be empty' })
  @MaxLength(MAX_CONTENT)
  content: string;

  @IsString()
  @Matches(LAYOUT_ID, { message: 'layout must be a template id or a built-in template’s slug' })
  layout: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_SUBJECT)
  subject?: string;
}
