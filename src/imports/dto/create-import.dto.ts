import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString } from 'class-validator';
import { ImportMode } from '../import.entity';

export const IMPORT_MODES: readonly ImportMode[] = ['subscribe', 'blocklist'];

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
