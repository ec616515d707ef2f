import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Empty means "none": a blank field clears the name or the logo. */
const trimOrNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value;
const HEX = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** The brand form (Settings): colours are checked for contrast by SettingsService.setBrand. */
export class BrandDto {
  @ApiPropertyOptional({ nullable: true, example: 'The Quarterly' })
  @Transform(trimOrNull)
  @IsOptional()
  @IsString()
  @Matches(/^[^\p{Cc}]*$/u, { message: 'name must not contain line breaks or control characters' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  name?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '/media/0f9c-logo.png' })
  @Transform(trimOrNull)
  @IsOptional()
  @IsString()
  logo?: string | null;

  @ApiPropertyOptional({ example: '#2563eb' })
  @Transform(trimOrNull)
  @IsOptional()
  @Matches(HEX, { message: 'primary colour must be a hex colour such as #2563eb' })
  primary?: string | null;

  @ApiPropertyOptional({ example: '#f4f5f7' })
  @Transform(trimOrNull)
  @IsOptional()
  @Matches(HEX, { message: 'background colour must be a hex colour such as #f4f5f7' })
  background?: string | null;
}
