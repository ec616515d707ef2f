import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * An attribute readers may change in their preference centre, and the label they see it under. The key
 * is the attribute's name as stored (what CSV columns and `subscriber.attributes.<key>` use).
 */
export class EditableAttributeDto {
  @ApiProperty({ example: 'city' })
  @Transform(trim)
  @IsString()
  @Matches(/^[\p{L}\p{N}_][\p{L}\p{N} _.-]{0,63}$/u, {
    message:
      'key must be an attribute name: up to 64 letters, digits, spaces, _ . or -, starting with a letter, digit or _',
  })
  key: string;

  @ApiProperty({ example: 'City' })
  @Transform(trim)
  @IsString()
  @Matches(/\S/, { message: 'label must not be empty' })
  @Matches(/^[^\p{Cc}]*$/u, { message: 'label must not contain line breaks or control characters' })
  @MaxLength(100)
  label: string;
}
