import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import type { Attributes } from '../../subscribers/subscriber.repository';
import {
  ATTRIBUTES_MAX_BYTES,
  EmailAddress,
  IsJsonObjectUpTo,
  NO_CONTROL_CHARS,
  RawJson,
  TrimOneLine,
} from '../../subscribers/dto/subscriber-fields';

/** `POST /api/public/subscribe`: what a sign-up form sends. Address and name could reach a mail header: no line breaks. */
export class PublicSubscribeDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 320 })
  @EmailAddress()
  email: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace', maxLength: 200 })
  @IsOptional()
  @TrimOneLine()
  @IsString()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, { message: 'name must not contain line breaks or other control characters' })
  name?: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'the lists to join' })
  @IsArray({ message: 'listIds must be an array of list ids' })
  @ArrayMinSize(1, { message: 'listIds must name at least one list' })
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'each of listIds must be a UUID' })
  listIds: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'free JSON object, at most 16 KB' })
  @ValidateIf((o: PublicSubscribeDto) => o.attributes !== undefined)
  @RawJson()
  @IsJsonObjectUpTo(ATTRIBUTES_MAX_BYTES)
  attributes?: Attributes;
}
