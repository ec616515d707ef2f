import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { MESSAGE_KINDS, MessageKind, MessageStream } from '../message.entity';

export class ListMessagesQuery extends PageQuery {
  /** part of the recipient's address or name, or of the idempotency key (an order number) */
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(320) search?: string;
  @ApiPropertyOptional({ enum: ['transactional', 'campaign'] })
  @IsOptional()
  @IsIn(['transactional', 'campaign'])
  stream?: MessageStream;
  @ApiPropertyOptional({ enum: MESSAGE_KINDS })
  @IsOptional()
  @IsIn(MESSAGE_KINDS, { message: `kind must be one of ${MESSAGE_KINDS.join(', ')}` })
  kind?: MessageKind;
}
