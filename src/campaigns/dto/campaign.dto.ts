import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
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
import { NO_CONTROL_CHARS, TrimOneLine } from '../../subscribers/dto/subscriber-fields';

const ONE_LINE = { message: '$property must not contain line breaks or control characters' };
const MJML_MAX = 1_000_000;
const given = (key: string) => (o: Record<string, unknown>) => o[key] !== undefined;

/** Fields of a campaign an editor writes; everything that can reach a header is one line. */
export class CreateCampaignDto {
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

  @ApiPropertyOptional({ description: 'a stored template (its current version is sent); give this or mjml' })
  @ValidateIf(given('templateId'))
  @IsUUID('all', { message: 'templateId must be a UUID' })
  templateId?: string;

  @ApiPropertyOptional({ description: 'the campaign’s own MJML; give this or templateId' })
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

  @ApiPropertyOptional({ default: true }) @ValidateIf(given('trackOpens')) @IsBoolean() trackOpens?: boolean;
  @ApiPropertyOptional({ default: true }) @ValidateIf(given('trackClicks')) @IsBoolean() trackClicks?: boolean;

  @ApiPropertyOptional({ default: false, description: 'publish it at /archive/:slug and in the RSS feed once sent' })
  @ValidateIf(given('archive'))
  @IsBoolean({ message: 'archive must be true or false' })
  archive?: boolean;
}

/** Every field optional; `fromName`/`fromEmail: null` go back to MAIL_FROM's. Allowed while draft or scheduled. */
export class UpdateCampaignDto {
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
