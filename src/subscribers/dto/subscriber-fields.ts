import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsString,
  Matches,
  MaxLength,
  ValidationArguments,
  ValidationOptions,
  registerDecorator,
} from 'class-validator';
import { hasEmailKey } from '../email-key';

/** `attributes` may hold at most this many bytes once serialized as JSON. */
export const ATTRIBUTES_MAX_BYTES = 16 * 1024;

/** Line breaks or other control characters: never allowed in a name or address (they could reach a mail header). */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
export const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

/**
 * Trims surrounding white space, unless the value holds a line break: then it is left as sent,
 * so "a@example.com\r\n" is refused rather than quietly repaired.
 */
/** The message of a NO_CONTROL_CHARS check on a one-line field. */
export const ONE_LINE = { message: '$property must not contain line breaks or control characters' };

/** The most MJML a campaign, variant or automation step may hold. */
export const MJML_MAX = 1_000_000;

/** For ValidateIf: the field was sent (null included), so its other rules apply. */
export const given = (key: string) => (o: Record<string, unknown>) => o[key] !== undefined;

export const TrimOneLine = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && !/[\r\n]/.test(value) ? value.trim() : value,
  );

/** Keeps the JSON as parsed: class-transformer must not rebuild (or re-prototype) a free-form object. */
export const RawJson = () => Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => obj[key]);

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object (not an array, null or a scalar) of at most `maxBytes` when serialized, with no NUL character. */
export function IsJsonObjectUpTo(maxBytes: number, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isJsonObjectUpTo',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => isJsonObject(value) && problemOf(value, maxBytes) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          isJsonObject(args.value)
            ? `${args.property} ${problemOf(args.value, maxBytes)}`
            : `${args.property} must be a JSON object (not an array, null or a single value)`,
      },
    });
}

function problemOf(value: Record<string, unknown>, maxBytes: number): string | undefined {
  const json = JSON.stringify(value);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes) return `must be at most ${maxBytes / 1024} KB as JSON (got ${bytes} bytes)`;
  // PostgreSQL's jsonb cannot store U+0000.
  if (json.includes('\\u0000')) return 'must not contain NUL characters';
  return undefined;
}

/**
 * A subscriber's address as it comes in: trimmed, one line (it goes into a To: header), at most 320
 * characters, a valid address; each failure named. The OpenAPI description is the caller's (required or not).
 */
export function EmailAddress(): PropertyDecorator {
  return applyDecorators(
    TrimOneLine(),
    IsString(),
    Matches(NO_CONTROL_CHARS, { message: 'email must not contain line breaks or other control characters' }),
    MaxLength(320),
    IsEmail({}, { message: 'email must be a valid email address' }),
    HasEmailKey(),
  );
}

/** The address's domain has an ASCII (IDNA) form, so it can be keyed (see emailKeyOf). */
export function HasEmailKey(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'hasEmailKey',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || hasEmailKey(value),
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} has a domain that is not a valid internationalised domain name (IDNA)`,
      },
    });
}
