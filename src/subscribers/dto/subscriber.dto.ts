import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Attributes, SubscriberStatus } from '../subscriber.entity';
import {
  ATTRIBUTES_MAX_BYTES,
  EmailAddress,
  IsJsonObjectUpTo,
  NO_CONTROL_CHARS,
  RawJson,
  TrimOneLine,
} from './subscriber-fields';

export const SUBSCRIBER_STATUSES: readonly SubscriberStatus[] = ['enabled', 'blocklisted'];
const MAX_LISTS = 1000;

/**
 * The fields of a subscriber a client may set. On create `email` is required (see CreateSubscriberDto);
 * `undefined` means "leave as it is" and `null` is refused, except for `name` where it clears it.
 */
class SubscriberFields {
  @ApiPropertyOptional({ maxLength: 200, example: 'Ada Lovelace' })
  @IsOptional()
  @TrimOneLine()
  @IsString()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, { message: 'name must not contain line breaks or other control characters' })
  name?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'free JSON object, at most 16 KB' })
  @ValidateIf((o: SubscriberFields) => o.attributes !== undefined)
  @RawJson()
  @IsJsonObjectUpTo(ATTRIBUTES_MAX_BYTES)
  attributes?: Attributes;

  @ApiPropertyOptional({ enum: SUBSCRIBER_STATUSES })
  @ValidateIf((o: SubscriberFields) => o.status !== undefined)
  @IsIn(SUBSCRIBER_STATUSES, { message: 'status must be "enabled" or "blocklisted"' })
  status?: SubscriberStatus;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'on PATCH: the lists to be on (see the membership rules)',
  })
  @ValidateIf((o: SubscriberFields) => o.listIds !== undefined)
  @IsArray({ message: 'listIds must be an array of list ids' })
  @ArrayMaxSize(MAX_LISTS)
  @IsString({ each: true, message: 'listIds must be an array of list ids' })
  listIds?: string[];

  @ApiPropertyOptional({
    description: 'the editor already holds consent: double opt-in memberships are confirmed at once, no mail',
  })
  @IsOptional()
  @IsBoolean()
  preconfirm?: boolean;
}

export class CreateSubscriberDto extends SubscriberFields {
  @ApiProperty({ maxLength: 320, example: 'ada@example.com' })
  @EmailAddress()
  email: string;
}

export class UpdateSubscriberDto extends SubscriberFields {
  @ApiPropertyOptional({ maxLength: 320 })
  @ValidateIf((o: UpdateSubscriberDto) => o.email !== undefined)
  @EmailAddress()
  email?: string;
}
