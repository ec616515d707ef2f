import { BadRequestException } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { PASSWORD_TOO_LONG, passwordTooLong } from './password-rules';

const COST = 11;
// Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password', COST);

/**
 * bcrypt runs in libuv's thread pool (the native `bcrypt` package), never on the event loop: a burst of sign-ins,
 * an attacker's included, does not hold up the pixel, the API and the order stream. At most this many hashes at
 * once, the rest wait their turn: one core is always left to the rest of the service, and the pool's other
 * threads to file and DNS work.
 */
const inTurn = pLimit(Math.max(1, Math.min(availableParallelism() - 1, 2)));

export function hashPassword(password: string): Promise<string> {
  if (passwordTooLong(password)) throw new BadRequestException(`password ${PASSWORD_TOO_LONG}`);
  return inTurn(() => bcrypt.hash(password, COST));
}

/**
 * A password longer than any that can be set never matches, even when its first 72 bytes would. Checks hashes made
 * by bcryptjs before (`$2a$`, `$2b$`) as well as its own.
 */
export async function checkPassword(password: string, hash: string | undefined): Promise<boolean> {
  const tooLong = passwordTooLong(password);
  const ok = await inTurn(() => bcrypt.compare(tooLong ? '' : password, hash ?? DUMMY_HASH));
  return ok && !tooLong && hash !== undefined;
}
