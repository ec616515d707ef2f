import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { EmailAddress } from '../../subscribers/dto/subscriber-fields';

export const BOUNCE_TYPES = ['hard', 'soft', 'blocked', 'complaint'] as const;

/** `POST /api/events/bounces` as JSON: a bounce or complaint already normalised by the sender (an ESP webhook, a script). */
export class BounceDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 320 })
  @EmailAddress()
  email: string;

  @ApiProperty({ enum: BOUNCE_TYPES })
  @IsIn(BOUNCE_TYPES, { message: 'type must be "hard", "soft", "blocked" or "complaint"' })
  type: (typeof BOUNCE_TYPES)[number];

  @ApiPropertyOptional({
    description: 'our message id (UUID) or the Message-ID header it was sent with',
    maxLength: 300,
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  messageId?: string;

  @ApiPropertyOptional({ description: 'free text kept with the event (status code, diagnostic)', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  detail?: string;
}
