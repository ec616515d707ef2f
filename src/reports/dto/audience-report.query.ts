import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';

/** `attributes.<name>`: letters, digits, _ and - only (the name reaches a JSON path in SQL). */
export const GROUP_BY = /^attributes\.[A-Za-z0-9_-]{1,100}$/;

export class AudienceReportQuery {
  @ApiProperty({
    example: 'attributes.country',
    description: 'attributes.<name>; the name has letters, digits, _ and - only',
  })
  @IsString()
  @Matches(GROUP_BY, {
    message: 'groupBy must be attributes.<name>, the name made of letters, digits, _ and - (at most 100)',
  })
  groupBy: string;

  @ApiPropertyOptional({ format: 'uuid', description: "count only this list's confirmed members" })
  @IsOptional()
  @IsUUID('all', { message: 'listId must be a UUID' })
  listId?: string;
}
