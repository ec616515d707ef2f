import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsJsonObjectUpTo, NO_CONTROL_CHARS, RawJson, TrimOneLine } from '../../subscribers/dto/subscriber-fields';

/** Data given to a transactional template: generous, but bounded (the JSON body limit is 1 MB). */
export const DATA_MAX_BYTES = 256 * 1024;
/** An idempotency key; an expired one is kept as `<key>~<message id>` in a 300-character column. */
export const IDEMPOTENCY_KEY_MAX = 200;

export class RecipientDto {
  @ApiProperty()
  @TrimOneLine()
  @IsEmail({}, { message: '$property must be a valid email address' })
  @MaxLength(320)
  email: string;
  @ApiPropertyOptional()
  @IsOptional()
  @TrimOneLine()
  @IsString()
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, { message: '$property must not contain line breaks or control characters' })
  name?: string;
}

export class SendMessageDto {
  @ApiProperty({ example: 'order-shipped' }) @IsString() @IsNotEmpty() @MaxLength(200) template: string;
  @ApiProperty({ type: RecipientDto }) @ValidateNested() @Type(() => RecipientDto) to: RecipientDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @RawJson()
  @IsJsonObjectUpTo(DATA_MAX_BYTES)
  data?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'also accepted as the Idempotency-Key header' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(IDEMPOTENCY_KEY_MAX)
  @Matches(NO_CONTROL_CHARS, { message: '$property must not contain line breaks or control characters' })
  idempotencyKey?: string;
}

export const ORDER_STATUSES = ['placed', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export class OrderEventDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(150)
  @Matches(NO_CONTROL_CHARS, { message: '$property must not contain line breaks or control characters' })
  orderId: string;
  @ApiProperty({ enum: ORDER_STATUSES }) @IsIn(ORDER_STATUSES) status: OrderStatus;
  @ApiProperty({ type: RecipientDto }) @ValidateNested() @Type(() => RecipientDto) customer: RecipientDto;
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  @RawJson()
  @IsJsonObjectUpTo(DATA_MAX_BYTES)
  order: Record<string, unknown>;
}
