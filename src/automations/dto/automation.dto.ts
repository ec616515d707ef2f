import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { given, MJML_MAX, NO_CONTROL_CHARS, ONE_LINE, TrimOneLine } from '../../subscribers/dto/subscriber-fields';
import { AUTOMATION_EVENTS, AUTOMATION_STATUSES } from '../automation.entity';
import type { AutomationEvent, AutomationStatus } from '../automation.entity';

/** A year: longer delays are a typo more often than a plan. */
const MAX_HOURS = 24 * 365;
export const MAX_STEPS = 20;

export class AutomationTriggerDto {
  @ApiProperty({ enum: AUTOMATION_EVENTS })
  @IsIn(AUTOMATION_EVENTS, { message: `trigger.event must be one of ${AUTOMATION_EVENTS.join(', ')}` })
  event: AutomationEvent;

  @ApiPropertyOptional({
    type: [String],
    description: 'the lists whose subscribers it reaches (required; also accepted beside the trigger as listIds)',
  })
  @ValidateIf(given('listIds'))
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'each of trigger.listIds must be a list id (UUID)' })
  listIds?: string[];

  @ApiPropertyOptional({ description: '`inactive`: days without a human open (fractions allowed)', minimum: 0.0001 })
  @ValidateIf(given('days'))
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'trigger.days must be a number' })
  @Min(0.0001, { message: 'trigger.days must be more than 0' })
  @Max(3650)
  days?: number;
}

export class AutomationStepDto {
  @ApiProperty({
    minimum: 0,
    maximum: MAX_HOURS,
    description: 'hours after the step before (the first step: after enrolment; 0 = at once); fractions allowed',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'delayHours must be a number' })
  @Min(0)
  @Max(MAX_HOURS)
  delayHours: number;

  @ApiProperty({ maxLength: 500 })
  @TrimOneLine()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @Matches(NO_CONTROL_CHARS, ONE_LINE)
  subject: string;

  @ApiPropertyOptional({ description: 'a stored campaign template; or give mjml' })
  @ValidateIf(given('templateId'))
  @IsUUID('all', { message: 'templateId must be a template id (UUID)' })
  templateId?: string;

  @ApiPropertyOptional({ maxLength: MJML_MAX })
  @ValidateIf(given('mjml'))
  @IsString()
  @IsNotEmpty()
  @MaxLength(MJML_MAX)
  mjml?: string;

  @ApiPropertyOptional({
    description:
      'sunset: when no person opens this mail within these hours (machine opens do not count), the recipient is unsubscribed from the automation’s lists',
  })
  @ValidateIf((o: Record<string, unknown>) => o.sunsetAfterHours !== undefined && o.sunsetAfterHours !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'sunsetAfterHours must be a number' })
  @Min(0)
  @Max(MAX_HOURS)
  sunsetAfterHours?: number | null;
}

export class CreateAutomationDto {
  @ApiProperty({ maxLength: 200 })
  @TrimOneLine()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, ONE_LINE)
  name: string;

  @ApiProperty({ type: AutomationTriggerDto })
  @ValidateNested()
  @Type(() => AutomationTriggerDto)
  trigger: AutomationTriggerDto;

  @ApiPropertyOptional({ type: [String], description: 'the same as trigger.listIds' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'each of listIds must be a list id (UUID)' })
  listIds?: string[];

  @ApiProperty({ type: [AutomationStepDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'steps must have at least one step' })
  @ArrayMaxSize(MAX_STEPS)
  @ValidateNested({ each: true })
  @Type(() => AutomationStepDto)
  steps: AutomationStepDto[];

  @ApiPropertyOptional({ enum: AUTOMATION_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(AUTOMATION_STATUSES, { message: `status must be one of ${AUTOMATION_STATUSES.join(', ')}` })
  status?: AutomationStatus;
}

/** Every field may change; a stopped automation may not be started again (make a new one). */
export class UpdateAutomationDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @TrimOneLine()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, ONE_LINE)
  name?: string;

  @ApiPropertyOptional({ type: AutomationTriggerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AutomationTriggerDto)
  trigger?: AutomationTriggerDto;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'each of listIds must be a list id (UUID)' })
  listIds?: string[];

  @ApiPropertyOptional({ type: [AutomationStepDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'steps must have at least one step' })
  @ArrayMaxSize(MAX_STEPS)
  @ValidateNested({ each: true })
  @Type(() => AutomationStepDto)
  steps?: AutomationStepDto[];

  @ApiPropertyOptional({ enum: AUTOMATION_STATUSES })
  @IsOptional()
  @IsIn(AUTOMATION_STATUSES, { message: `status must be one of ${AUTOMATION_STATUSES.join(', ')}` })
  status?: AutomationStatus;
}
