import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString } from 'class-validator';
import { ImportConfirmation, ImportMode } from '../import.entity';

export const IMPORT_MODES: readonly ImportMode[] = ['subscribe', 'blocklist'];
export const IMPORT_CONFIRMATIONS: readonly ImportConfirmation[] = ['send', 'consented'];

/** The form fields sent with the file (multipart/form-data: every value arrives as text). */
export class CreateImportDto {
  @ApiPropertyOptional({ enum: IMPORT_MODES, default: 'subscribe' })
  @IsOptional()
  @IsIn(IMPORT_MODES, { message: 'mode must be "subscribe" or "blocklist"' })
  mode: ImportMode = 'subscribe';

  @ApiPropertyOptional({ type: String, description: 'list ids, comma separated (required in subscribe mode)' })
  @IsOptional()
  // "a,b" or the field repeated; blanks around and between commas are dropped.
  @Transform(({ value }: { value: unknown }) =>
    (Array.isArray(value) ? (value as unknown[]) : [value])
      .flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]))
      .map((v) => (typeof v === 'string' ? v.trim() : v))
      .filter((v) => v !== ''),
  )
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true, message: 'listIds must be list ids separated by commas' })
  listIds: string[] = [];

  @ApiPropertyOptional({
    enum: IMPORT_CONFIRMATIONS,
    default: 'consented',
    description:
      'For the double opt-in lists among listIds. send: new members stay unconfirmed and each is sent one confirmation mail; ' +
      'consented: you hold their consent, they are confirmed at once and nothing is sent. Ignored for single opt-in lists and in blocklist mode.',
  })
  @IsOptional()
  @IsIn(IMPORT_CONFIRMATIONS, { message: 'confirmation must be "send" or "consented"' })
  confirmation?: ImportConfirmation;
}

/** For the OpenAPI page: the multipart body as a whole. */
export class CreateImportBody extends CreateImportDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'CSV with a header row; `email` required, `name` optional, any other column becomes an attribute',
  })
  file: unknown;
}
