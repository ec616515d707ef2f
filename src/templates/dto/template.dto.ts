import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { REQUIRED_PATH } from '../render/template-data';
import { TEMPLATE_KINDS, TemplateKind } from '../template-kinds';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_MJML = 500_000;
export const MAX_TEXT = 200_000;
export const MAX_SUBJECT = 500;

export class CreateTemplateDto {
  @ApiProperty({ example: 'Spring newsletter', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  @Matches(/^[^\r\n]*$/, { message: 'name must not contain line breaks' })
  name: string;

  @ApiPropertyOptional({
    example: 'order-shipped',
    description: 'lower-case words joined by hyphens; derived from the name when absent. The slug of a built-in template overrides it.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(SLUG, { message: 'slug must be lower-case letters and digits joined by single hyphens, e.g. "order-shipped"' })
  slug?: string;

  @ApiProperty({ enum: TEMPLATE_KINDS })
  @IsIn(TEMPLATE_KINDS, { message: 'kind must be "campaign" or "transactional"' })
  kind: TemplateKind;

  @ApiProperty({ example: 'Your order {{order.number}} has shipped', description: 'a Handlebars template; line breaks in the result become spaces' })
  @IsString()
  @IsNotEmpty({ message: 'subject must not be empty' })
  @MaxLength(MAX_SUBJECT)
  subject: string;

  @ApiProperty({ description: 'MJML with Handlebars expressions' })
  @IsString()
  @IsNotEmpty({ message: 'mjml must not be empty' })
  @MaxLength(MAX_MJML)
  mjml: string;

  @ApiPropertyOptional({ nullable: true, description: 'a Handlebars template for the text part; when absent it is derived from the HTML' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  text?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['order.number', 'order.items.*.name'],
    description: 'data paths a render needs (missing: 400 naming the field). Defaults to the overridden built-in template\'s list.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(REQUIRED_PATH, { each: true, message: 'each required path must look like "order.items.*.name"' })
  required?: string[];
}

/** Every field optional; changing subject, mjml, text or required saves a new version. */
export class UpdateTemplateDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf((o: UpdateTemplateDto) => o.name !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  @Matches(/^[^\r\n]*$/, { message: 'name must not contain line breaks' })
  name?: string;

  @ApiPropertyOptional()
  @ValidateIf((o: UpdateTemplateDto) => o.slug !== undefined)
  @IsString()
  @MaxLength(100)
  @Matches(SLUG, { message: 'slug must be lower-case letters and digits joined by single hyphens, e.g. "order-shipped"' })
  slug?: string;

  @ApiPropertyOptional({ enum: TEMPLATE_KINDS })
  @ValidateIf((o: UpdateTemplateDto) => o.kind !== undefined)
  @IsIn(TEMPLATE_KINDS, { message: 'kind must be "campaign" or "transactional"' })
  kind?: TemplateKind;

  @ApiPropertyOptional()
  @ValidateIf((o: UpdateTemplateDto) => o.subject !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'subject must not be empty' })
  @MaxLength(MAX_SUBJECT)
  subject?: string;

  @ApiPropertyOptional()
  @ValidateIf((o: UpdateTemplateDto) => o.mjml !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'mjml must not be empty' })
  @MaxLength(MAX_MJML)
  mjml?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null: derive the text part from the HTML again' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  text?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @ValidateIf((o: UpdateTemplateDto) => o.required !== undefined)
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(REQUIRED_PATH, { each: true, message: 'each required path must look like "order.items.*.name"' })
  required?: string[];
}

export class ListTemplatesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TEMPLATE_KINDS })
  @IsOptional()
  @IsIn(TEMPLATE_KINDS, { message: 'kind must be "campaign" or "transactional"' })
  kind?: TemplateKind;
}
