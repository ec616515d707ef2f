import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

/** What a user may change about themselves (`PATCH /api/users/me`). */
export class UpdateProfileDto {
  @ApiProperty({ description: 'an IANA time zone name such as Europe/Berlin (offsets such as +02:00 are refused)' })
  @IsString({ message: 'timeZone must be a time zone name such as Europe/Berlin' })
  @MaxLength(64)
  timeZone: string;
}
