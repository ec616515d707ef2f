import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_MJML, MAX_SUBJECT, SLUG } from '../../../templates/dto/template.dto';
import { TEMPLATE_KINDS, TemplateKind } from '../../../templates/template-kinds';

/** What the editor's script sends for a live preview; the sample data is chosen on the server from kind and slug. */
export class AdminPreviewDto {
  @IsString()
  @IsNotEmpty({ message: 'mjml must not be empty' })
  @MaxLength(MAX_MJML)
  mjml: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_SUBJECT)
  subject?: string;

  @IsOptional()
  @IsIn(TEMPLATE_KINDS)
  kind?: TemplateKind;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(SLUG)
  slug?: string;
}
