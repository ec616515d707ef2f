import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The suppression list's search: one whole address (the list keeps hashes, so no partial match). */
export class SuppressionSearchDto {
  @Transform(trimmed)
  @IsString({ message: 'Enter an email address' })
  @MaxLength(320, { message: 'An email address has at most 320 characters' })
  @IsEmail({}, { message: 'Enter a whole email address, such as reader@example.com' })
  email: string;
}

/** An admin lifting a suppression, and why (kept in the audit log). */
export class LiftSuppressionDto extends SuppressionSearchDto {
  @Transform(trimmed)
  @IsString({ message: 'Say why the address may be mailed again' })
  @MinLength(3, { message: 'Say why the address may be mailed again (3 characters or more)' })
  @MaxLength(500, { message: 'Keep the reason under 500 characters' })
  why: string;
}
