import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PasswordFitsBcrypt } from '../password-rules';
import { ROLES, Role } from '../roles';

/** Addresses are compared trimmed and lower-cased; a stray space from a paste is not an error. */
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUserDto {
  @ApiProperty()
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email: string;
  @ApiProperty({ description: 'at least 10 characters, at most 72 bytes in UTF-8' })
  @IsString()
  @MinLength(10)
  @PasswordFitsBcrypt()
  password: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role: Role;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ description: 'at least 10 characters, at most 72 bytes in UTF-8' })
  @IsOptional()
  @IsString()
  @MinLength(10)
  @PasswordFitsBcrypt()
  password?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;
}
