import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  isEmail,
  Matches,
  MaxLength,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { given, MJML_MAX, NO_CONTROL_CHARS, ONE_LINE, TrimOneLine } from '../../subscribers/dto/subscriber-fields';
import { AbTestFields } from './ab-test.dto';
import { CONTENT_FORMATS, ContentFormat, DEFAULT_LAYOUT, MAX_CONTENT } from '../content-formats/content-format';

const FORMAT = { message: `contentFormat must be one of ${CONTENT_FORMATS.join(', ')}` };
export const LAYOUT_ID = /^(?:[0-9a-fA-F-]{36}|[a-z0-9]+(?:-[a-z0-9]+)*)$/;

/** Markdown or rich text put into a layout, and an A/B test's variants: the fields both DTOs share. */
class WrittenContentFields extends AbTestFields {
  @ApiPropertyOptional({
    enum: CONTENT_FORMATS,
    default: 'mjml',
    description:
      'mjml: give mjml or templateId. markdown / richtext: give content, put into the content slot of layoutTemplateId',
  })
  @ValidateIf(given('contentFormat'))
  @IsIn(CONTENT_FORMATS, FORMAT)
  contentFormat?: ContentFormat;

  @ApiPropertyOptional({
    maxLength: MAX_CONTENT,
    description:
      'Markdown, or the HTML of rich text; sanitised to what mail allows. Handlebars variables ({{subscriber.name}}) work',
  })
  @ValidateIf(given('content'))
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_CONTENT)
  content?: string;

  @ApiPropertyOptional({
    default: DEFAULT_LAYOUT,
    description:
      'the layout of Markdown / rich text: a campaign template with a content slot (its id, or a built-in’s slug)',
  })
  @ValidateIf(given('layoutTemplateId'))
  @IsString()
  @Matches(LAYOUT_ID, { message: 'layoutTemplateId must be a template id (UUID) or a built-in template’s slug' })
  layoutTemplateId?: string;
}

/** Fields of a campaign an editor writes; everything that can reach a header is one line. */
export class CreateCampaignDto extends WrittenContentFields {
  @ApiProperty({ maxLength: 200 })
  @TrimOneLine()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, ONE_LINE)
  name: string;

  @ApiProperty({ maxLength: 500, description: 'Handlebars allowed: "News for {{subscriber.name}}"' })
  @TrimOneLine()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @Matches(NO_CONTROL_CHARS, ONE_LINE)
  subject: string;

  @ApiPropertyOptional({ nullable: true, maxLength: 200, description: 'default: the name of MAIL_FROM' })
  @IsOptional()
  @TrimOneLine()
  @IsString()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, ONE_LINE)
  fromName?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'default: the address of MAIL_FROM' })
  @IsOptional()
  @TrimOneLine()
  @IsEmail({}, { message: 'fromEmail must be a valid email address' })
  @MaxLength(320)
  fromEmail?: string | null;

  @ApiPropertyOptional({ description: 'a stored template (its current version is sent); give this, mjml or content' })
  @ValidateIf(given('templateId'))
  @IsUUID('all', { message: 'templateId must be a UUID' })
  templateId?: string;

  @ApiPropertyOptional({ description: 'the campaign’s own MJML; give this, templateId or content' })
  @ValidateIf(given('mjml'))
  @IsString()
  @IsNotEmpty()
  @MaxLength(MJML_MAX)
  mjml?: string;

  @ApiProperty({ type: [String], description: 'the lists whose members receive it' })
  @IsArray()
  @ArrayMinSize(1, { message: 'listIds must name at least one list' })
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'listIds must be list ids (UUIDs)' })
  listIds: string[];

  @ApiPropertyOptional({ nullable: true, description: 'a segment: only the lists’ members it matches get it' })
  @ValidateIf((o: CreateCampaignDto) => o.segmentId !== undefined && o.segmentId !== null)
  @IsUUID('all', { message: 'segmentId must be a segment id (UUID) or null' })
  segmentId?: string | null;

  @ApiPropertyOptional({ default: true }) @ValidateIf(given('trackOpens')) @IsBoolean() trackOpens?: boolean;
  @ApiPropertyOptional({ default: true }) @ValidateIf(given('trackClicks')) @IsBoolean() trackClicks?: boolean;

  @ApiPropertyOptional({ default: false, description: 'publish it at /archive/:slug and in the RSS feed once sent' })
  @ValidateIf(given('archive'))
  @IsBoolean({ message: 'archive must be true or false' })
  archive?: boolean;
}

/** Every field optional; `fromName`/`fromEmail: null` go back to MAIL_FROM's. Allowed while draft or scheduled. */
export class UpdateCampaignDto extends WrittenContentFields {
  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf(given('name'))
  @TrimOneLine()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, ONE_LINE)
  name?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @ValidateIf(given('subject'))
  @TrimOneLine()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @Matches(NO_CONTROL_CHARS, ONE_LINE)
  subject?: string;

  @ApiPropertyOptional({ nullable: true, maxLength: 200 })
  @IsOptional()
  @TrimOneLine()
  @IsString()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, ONE_LINE)
  fromName?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @TrimOneLine()
  @IsEmail({}, { message: 'fromEmail must be a valid email address' })
  @MaxLength(320)
  fromEmail?: string | null;

  @ApiPropertyOptional()
  @ValidateIf(given('templateId'))
  @IsUUID('all', { message: 'templateId must be a UUID' })
  templateId?: string;
  @ApiPropertyOptional() @ValidateIf(given('mjml')) @IsString() @IsNotEmpty() @MaxLength(MJML_MAX) mjml?: string;

  @ApiPropertyOptional({ type: [String] })
  @ValidateIf(given('listIds'))
  @IsArray()
  @ArrayMinSize(1, { message: 'listIds must name at least one list' })
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'listIds must be list ids (UUIDs)' })
  listIds?: string[];

  @ApiPropertyOptional({ nullable: true, description: 'a segment id, or null for all the lists’ members' })
  @ValidateIf((o: UpdateCampaignDto) => o.segmentId !== undefined && o.segmentId !== null)
  @IsUUID('all', { message: 'segmentId must be a segment id (UUID) or null' })
  segmentId?: string | null;

  @ApiPropertyOptional() @ValidateIf(given('trackOpens')) @IsBoolean() trackOpens?: boolean;
  @ApiPropertyOptional() @ValidateIf(given('trackClicks')) @IsBoolean() trackClicks?: boolean;

  @ApiPropertyOptional({
    description: 'alone, it may change in any status: false takes a sent campaign out of the archive',
  })
  @ValidateIf(given('archive'))
  @IsBoolean({ message: 'archive must be true or false' })
  archive?: boolean;
}

export class SendCampaignDto {
  @ApiPropertyOptional({ description: 'ISO 8601; in the future: scheduled, else sent now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'sendAt must be an ISO 8601 date and time' })
  sendAt?: string;
}

export class TestCampaignDto {
  @ApiProperty({ type: [String], maxItems: 10 })
  @IsArray()
  @ArrayMinSize(1, { message: 'emails must name at least one address' })
  @ArrayMaxSize(10, { message: 'emails may name at most 10 addresses' })
  @IsEmail({}, { each: true, message: notEmails })
  @Matches(NO_CONTROL_CHARS, { each: true, message: 'emails must not contain line breaks' })
  emails: string[];
}

/** Names the items that are not addresses, so a caller with ten of them knows which to fix. */
function notEmails(args: ValidationArguments): string {
  const items: unknown[] = Array.isArray(args.value) ? args.value : [args.value];
  const bad = items.filter((v) => typeof v !== 'string' || !isEmail(v)).map((v) => JSON.stringify(v));
  return `emails must be valid email addresses: ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} not`;
}
