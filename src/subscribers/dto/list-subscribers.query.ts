import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { SubscriberStatus } from '../subscriber.entity';
import { SubscriptionStatus } from '../subscription.entity';
import { NO_CONTROL_CHARS } from './subscriber-fields';

export const MEMBERSHIP_STATUSES: readonly SubscriptionStatus[] = ['unconfirmed', 'confirmed', 'unsubscribed'];
const STATUS_FILTERS = ['enabled', 'blocklisted', ...MEMBERSHIP_STATUSES] as const;

/** `GET /api/subscribers?listId=&status=&search=&page=&limit=` */
export class ListSubscribersQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'listId must be a UUID' })
  listId?: string;

  @ApiPropertyOptional({
    enum: STATUS_FILTERS,
    description:
      'enabled|blocklisted filter subscribers; unconfirmed|confirmed|unsubscribed filter memberships of listId',
  })
  @IsOptional()
  @IsIn(STATUS_FILTERS, { message: `status must be one of: ${STATUS_FILTERS.join(', ')}` })
  status?: SubscriberStatus | SubscriptionStatus;

  @ApiPropertyOptional({ description: 'part of the email or name, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  @Matches(NO_CONTROL_CHARS, { message: 'search must not contain control characters' })
  search?: string;
}
