import { BadRequestException } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { PASSWORD_TOO_LONG, passwordTooLong } from './password-rules';

const COST = 11;
// Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password', COST);

export function hashPassword(password: string): Promise<string> {
  if (passwordTooLong(password)) throw new BadRequestException(`password ${PASSWORD_TOO_LONG}`);
  return bcrypt.hash(password, COST);
}

/** A password longer than any that can be set never matches, even when its first 72 bytes would. */
export async function checkPassword(password: string, hash: string | undefined): Promise<boolean> {
  const tooLong = passwordTooLong(password);
  const ok = await bcrypt.compare(tooLong ? '' : password, hash ?? DUMMY_HASH);
  return ok && !tooLong && hash !== undefined;
}
