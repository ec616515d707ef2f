import { MigrationInterface, QueryRunner } from 'typeorm';
import { storedEmailKeyOf } from '../../subscribers/email-key';

/**
 * Subscribers' keys after emailKeyOf learned Unicode NFC and IDNA. An all-ASCII key is unchanged by the new
 * rule (trimmed and lower-cased, as before), so only rows with a non-ASCII character or an `xn--` label are
 * read (by the address as typed: its length in bytes differs from its length in characters) and re-keyed. A row whose address has no valid IDNA form keeps its key. Two rows that turn out to be
 * one person (the same address spelled two ways) cannot share the key: the older keeps it, the other keeps
 * its old key and is named in the log for an editor to merge by hand.
 * Suppression hashes cannot be re-keyed (only the hash is kept): lookups try the old spellings too
 * (suppressionHashes).
 */
export class NormalisedEmailKeys1764110000000 implements MigrationInterface {
  name = 'NormalisedEmailKeys1764110000000';

  up(q: QueryRunner): Promise<void> {
    return rekey(q, (email) => storedEmailKeyOf(email));
  }

  /** The keys of the old rule again (trimmed and lower-cased), from the addresses as typed. */
  down(q: QueryRunner): Promise<void> {
    return rekey(q, (email) => email.trim().toLowerCase());
  }
}

async function rekey(q: QueryRunner, keyOf: (email: string) => string): Promise<void> {
  const postgres = q.connection.options.type === 'postgres';
  const bytes = postgres ? 'octet_length(email)' : 'length(CAST(email AS BLOB))';
  const rows = (await q.query(
    `SELECT id, email, email_key FROM subscribers WHERE ${bytes} <> length(email) OR email_key LIKE '%xn--%' ORDER BY created_at, id`,
  )) as { id: string; email: string; email_key: string }[];
  for (const r of rows) {
    const key = keyOf(r.email);
    if (key === r.email_key) continue;
    const taken = (await q.query(
      postgres ? 'SELECT id FROM subscribers WHERE email_key = $1' : 'SELECT id FROM subscribers WHERE email_key = ?',
      [key],
    )) as { id: string }[];
    if (taken.length) {
      console.warn(
        `subscriber ${r.id} is the same address as subscriber ${taken[0].id}: kept its old key; merge them by hand`,
      );
      continue;
    }
    await q.query(
      postgres
        ? 'UPDATE subscribers SET email_key = $1 WHERE id = $2'
        : 'UPDATE subscribers SET email_key = ? WHERE id = ?',
      [key, r.id],
    );
  }
}
