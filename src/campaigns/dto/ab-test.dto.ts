import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { given, NO_CONTROL_CHARS, TrimOneLine } from '../../subscribers/dto/subscriber-fields';
import { AB_METRICS, AbMetric, MAX_VARIANTS, MAX_WAIT_HOURS, MIN_VARIANTS } from '../ab-test';

/** One variant of an A/B test: its subject, and its own content or (neither given) the campaign's. */
export class VariantDto {
  @ApiProperty({ maxLength: 500, description: 'Handlebars allowed, like the campaign’s subject' })
  @TrimOneLine()
  @IsString({ message: '$property must be a string' })
  @IsNotEmpty({ message: '$property must not be empty' })
  @MaxLength(500, { message: '$property is at most 500 characters' })
  @Matches(NO_CONTROL_CHARS, { message: '$property must not contain line breaks or control characters' })
  subject: string;

  @ApiPropertyOptional({ description: 'a stored template for this variant (its current version is sent)' })
  @ValidateIf(given('templateId'))
  @IsUUID('all', { message: '$property must be a UUID' })
  templateId?: string;

  @ApiPropertyOptional({
    description: 'this variant’s own MJML; with neither, the variant sends the campaign’s content',
  })
  @ValidateIf(given('mjml'))
  @IsString({ message: '$property must be a string' })
  @IsNotEmpty({ message: '$property must not be empty' })
  @MaxLength(1_000_000)
  mjml?: string;
}

/** The test: who gets the variants, how the winner is chosen, and when. */
export class AbTestDto {
  @ApiProperty({ minimum: 1, maximum: 50, description: 'per cent of the audience that gets the variants' })
  @IsInt({ message: '$property must be a whole number of per cent' })
  @Min(1, { message: '$property must be between 1 and 50' })
  @Max(50, { message: '$property must be between 1 and 50' })
  share: number;

  @ApiProperty({ enum: AB_METRICS, description: 'opens: unique human opens per mail sent; clicks: unique clicks' })
  @IsIn(AB_METRICS, { message: `$property must be one of ${AB_METRICS.join(', ')}` })
  metric: AbMetric;

  @ApiProperty({
    minimum: 0,
    maximum: MAX_WAIT_HOURS,
    description: 'hours after the test starts (fractions allowed) before the winner goes to the rest',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '$property must be a number of hours' })
  @Min(0, { message: `$property must be between 0 and ${MAX_WAIT_HOURS}` })
  @Max(MAX_WAIT_HOURS, { message: `$property must be between 0 and ${MAX_WAIT_HOURS}` })
  waitHours: number;
}

/** The A/B fields of the create and update bodies; null (update) turns the test off. */
export class AbTestFields {
  @ApiPropertyOptional({
    type: [VariantDto],
    nullable: true,
    minItems: MIN_VARIANTS,
    maxItems: MAX_VARIANTS,
    description: 'an A/B test: 2 to 4 variants of subject and/or content (give abTest too)',
  })
  @ValidateIf((o: AbTestFields) => o.variants !== undefined && o.variants !== null)
  @IsArray({ message: 'variants must be an array' })
  @ArrayMinSize(MIN_VARIANTS, { message: `variants must hold ${MIN_VARIANTS} to ${MAX_VARIANTS} variants` })
  @ArrayMaxSize(MAX_VARIANTS, { message: `variants must hold ${MIN_VARIANTS} to ${MAX_VARIANTS} variants` })
  @ValidateNested({ each: true })
  @Type(() => VariantDto)
  variants?: VariantDto[] | null;

  @ApiPropertyOptional({ type: AbTestDto, nullable: true, description: 'the test’s settings (give variants too)' })
  @ValidateIf((o: AbTestFields) => o.abTest !== undefined && o.abTest !== null)
  @ValidateNested()
  @Type(() => AbTestDto)
  abTest?: AbTestDto | null;
}
