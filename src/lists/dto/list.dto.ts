import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { ListVisibility, OptIn } from '../list.entity';

export const OPT_INS: readonly OptIn[] = ['single', 'double'];
export const VISIBILITIES: readonly ListVisibility[] = ['public', 'private'];
const VISIBILITY_HINT =
  'public: shown on public pages (sign-up, preference centre) and open to public sign-up; private: never shown publicly, public sign-up ignores it, only its members see it in their preference centre';
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
// A list's name may end up in a mail header (List-Id), so line breaks are refused outright.
const ONE_LINE = /^[^\r\n]*$/;

export class CreateListDto {
  @ApiProperty({ example: 'Newsletter', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  @Matches(ONE_LINE, { message: 'name must not contain line breaks' })
  name: string;

  @ApiPropertyOptional({ nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({ enum: OPT_INS, description: 'double: new members confirm by mail before campaigns reach them' })
  @IsIn(OPT_INS, { message: 'optIn must be "single" or "double"' })
  optIn: OptIn;

  @ApiPropertyOptional({ enum: VISIBILITIES, default: 'public', description: VISIBILITY_HINT })
  @IsOptional()
  @IsIn(VISIBILITIES, { message: 'visibility must be "public" or "private"' })
  visibility?: ListVisibility;
}

/** Every field optional; `description: null` clears it. Changing optIn affects members added afterwards only. */
export class UpdateListDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf((o: UpdateListDto) => o.name !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  @Matches(ONE_LINE, { message: 'name must not contain line breaks' })
  name?: string;

  @ApiPropertyOptional({ nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ enum: OPT_INS })
  @ValidateIf((o: UpdateListDto) => o.optIn !== undefined)
  @IsIn(OPT_INS, { message: 'optIn must be "single" or "double"' })
  optIn?: OptIn;

  @ApiPropertyOptional({ enum: VISIBILITIES, description: VISIBILITY_HINT })
  @ValidateIf((o: UpdateListDto) => o.visibility !== undefined)
  @IsIn(VISIBILITIES, { message: 'visibility must be "public" or "private"' })
  visibility?: ListVisibility;
}
