import { ApiProperty } from '@nestjs/swagger';
import { EmailAddress } from '../../subscribers/dto/subscriber-fields';

/** `POST /api/public/preferences-link`: the address that wants its preference centre link. */
export class PreferencesLinkDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 320 })
  @EmailAddress()
  email: string;
}
