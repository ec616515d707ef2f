import { INestApplicationContext } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { Role, ROLES } from '../users/roles';
import { PASSWORD_TOO_LONG, passwordTooLong } from '../users/password-rules';
import { UsersService } from '../users/users.service';
import { readPassword } from './password-input';

/** A mistake in how a command was called: printed as one line, with no stack. */
export class UsageError extends Error {}

export type Options = Record<string, string | undefined>;

/**
 * A command checks its input (and asks for a password) before the database is opened, then runs.
 * parse and run are methods, not function properties, so a Command<{…}> is also a Command<unknown> in COMMANDS.
 */
export interface Command<Input = unknown> {
  usage: string;
  summary: string;
  options: string[];
  parse(options: Options): Promise<Input>;
  run(app: INestApplicationContext, input: Input): Promise<string>;
}

const MIN_PASSWORD = 10;

const createAdmin: Command<{ email: string; password: string; role: Role }> = {
  usage: 'create-admin --email <address> [--password <password>] [--role admin|editor|viewer]',
  summary: 'Creates a user who can sign in: an admin, or an editor or viewer with --role.',
  options: ['email', 'password', 'role'],
  async parse(o) {
    const email = requireEmail(o.email);
    const role = (o.role ?? 'admin') as Role;
    if (!ROLES.includes(role)) throw new UsageError(`--role must be one of: ${ROLES.join(', ')}`);
    return { email, role, password: await requirePassword(o.password) };
  },
  async run(app, { email, password, role }) {
    const user = await app.get(UsersService).create(email, password, role);
    return `Created ${user.role} ${user.email} (id ${user.id}).`;
  },
};

const setPassword: Command<{ email: string; password: string }> = {
  usage: 'set-password --email <address> [--password <password>]',
  summary: "Replaces a user's password (for a forgotten one).",
  options: ['email', 'password'],
  async parse(o) {
    return { email: requireEmail(o.email), password: await requirePassword(o.password) };
  },
  async run(app, { email, password }) {
    const users = app.get(UsersService);
    const user = await users.findByEmail(email);
    if (!user) throw new UsageError(`no user has the email ${email.toLowerCase()}`);
    await users.update(user.id, { password });
    return `Changed the password of ${user.email}.`;
  },
};

export const COMMANDS: Record<string, Command> = { 'create-admin': createAdmin, 'set-password': setPassword };

function requireEmail(value: string | undefined): string {
  if (!value) throw new UsageError('--email is required');
  if (!isEmail(value.trim())) throw new UsageError('--email must be an email address');
  return value.trim();
}

async function requirePassword(given: string | undefined): Promise<string> {
  const value = given ?? (await readPassword().catch((err: Error) => Promise.reject(new UsageError(err.message))));
  if (!value) throw new UsageError('a password is required: type it when asked, pipe it on stdin, or give --password');
  if (value.length < MIN_PASSWORD) throw new UsageError(`the password must be at least ${MIN_PASSWORD} characters`);
  if (passwordTooLong(value)) throw new UsageError(`the password ${PASSWORD_TOO_LONG}`);
  return value;
}

export function helpText(): string {
  const lines = ['Usage: npm run cli -- <command> [options]', '', 'Commands:'];
  for (const c of Object.values(COMMANDS)) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  lines.push(
    '',
    'Without --password the password is asked for (hidden, twice), or read from the first line of stdin.',
    'It uses the same configuration (DATABASE_URL, DATA_DIR…) as the service and needs no Redis.',
  );
  return lines.join('\n');
}
