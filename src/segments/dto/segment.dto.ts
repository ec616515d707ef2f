import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { given, NO_CONTROL_CHARS } from '../../subscribers/dto/subscriber-fields';
import { Matches } from 'class-validator';
import type { Match, RuleInput } from '../segment-rules';

class RuleDoc {
  @ApiProperty({
    description:
      'email | name | attributes.<key> | list | createdAt | opened | clicked | ordered (= ordered.count) | ordered.total | ordered.last | ordered.product',
  })
  field: string;
  @ApiProperty({
    description:
      'text: eq, neq, contains, startsWith, exists; number: eq, neq, gt, gte, lt, lte; date: before, after, within; boolean: is; list: member, notMember; opened/clicked: within, notWithin, ever, never; ordered.last: before, after, within, never',
  })
  op: string;
  @ApiPropertyOptional({
    description:
      'a string, number, boolean, date (YYYY-MM-DD) or number of days; list: a list id or {listId, status?}; opened/clicked: days or {days?, campaignId?}',
  })
  value?: unknown;
}

export class SegmentRulesDto {
  @ApiProperty({ enum: ['all', 'any'] }) @IsIn(['all', 'any']) match: Match;
  @ApiProperty({ type: [RuleDoc] }) @IsArray({ message: 'rules must be an array' }) rules: RuleInput[];
}

export class CreateSegmentDto extends SegmentRulesDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, { message: '$property must not contain line breaks or control characters' })
  name: string;
}

export class UpdateSegmentDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf(given('name'))
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, { message: '$property must not contain line breaks or control characters' })
  name?: string;
  @ApiPropertyOptional({ enum: ['all', 'any'] }) @ValidateIf(given('match')) @IsIn(['all', 'any']) match?: Match;
  @ApiPropertyOptional({ type: [RuleDoc] })
  @ValidateIf(given('rules'))
  @IsArray({ message: 'rules must be an array' })
  rules?: RuleInput[];
}
