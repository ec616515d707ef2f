import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * bcrypt reads only the first 72 bytes of a password: two passwords sharing those would be one. Longer passwords
 * are refused wherever one is set (API, admin UI, CLI, ADMIN_PASSWORD) rather than pre-hashed, so that the hashes
 * already stored keep working unchanged. Counted in UTF-8 bytes, as bcrypt counts them.
 * No bcrypt here: the configuration checks ADMIN_PASSWORD with this before anything else is loaded.
 */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_TOO_LONG = `must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt reads no more)`;

export function passwordTooLong(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;
}

/** class-validator check: the password fits in what bcrypt reads. */
export function PasswordFitsBcrypt(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'passwordFitsBcrypt',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !passwordTooLong(value),
        defaultMessage: (args) => `${args?.property ?? 'password'} ${PASSWORD_TOO_LONG}`,
      },
    },
    options,
  );
}
