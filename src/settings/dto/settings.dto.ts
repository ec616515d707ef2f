import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Nothing that could end a mail header: no CR, LF or other control characters. */
const NO_CONTROL = /^[^\p{Cc}]*$/u;

/** A From address campaigns may use: a display name and an address, both headers-safe. */
export class SenderDto {
  @ApiProperty({ example: 'Shop News' })
  @Transform(trim)
  @IsString()
  @Matches(/\S/, { message: 'name must not be empty' })
  @Matches(NO_CONTROL, { message: 'name must not contain line breaks or control characters' })
  @Matches(/^[^<>"]*$/, { message: 'name must not contain <, > or "' })
  @MaxLength(100)
  name: string;

  @ApiProperty({ example: 'news@shop.example' })
  @Transform(trim)
  @IsString()
  @Matches(NO_CONTROL, { message: 'email must not contain line breaks or control characters' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email: string;
}

/** The postal address put in every campaign footer (several lines allowed). */
export class CompanyAddressDto {
  @ApiProperty({ example: 'Shop Ltd, 1 High Street, London' })
  @Transform(trim)
  @IsString()
  @Matches(/\S/, { message: 'the postal address must not be empty' })
  @MaxLength(1000)
  companyAddress: string;
}
