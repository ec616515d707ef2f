import { readdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * The .eml files of outbox mode (no SMTP_URL): `<time>-<ref>-<random>.eml`, where `ref` is the id of what the
 * mail belongs to (its message row, or the subscriber for mail that has none, such as the confirmation
 * mail). The time keeps a listing in sending order; the ref lets erasure find a person's files by id, never
 * by reading their contents; the random part keeps two writes of one message apart.
 */
const NAME = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-([A-Za-z0-9-]+)-[0-9a-f]{8}\.eml$/;

export function outboxDir(dataDir: string): string {
  return join(dataDir, 'outbox');
}

export function outboxFileName(ref: string | undefined, now = new Date()): string {
  const id = (ref ?? '').replace(/[^A-Za-z0-9-]/g, '').slice(0, 64) || 'mail';
  return `${now.toISOString().replace(/[:.]/g, '-')}-${id}-${randomBytes(4).toString('hex')}.eml`;
}

/** The ref a file was named after (also for its `.<name>.tmp` while it is written); null for other names. */
export function refOfOutboxFile(fileName: string): string | null {
  const name = fileName.startsWith('.') && fileName.endsWith('.tmp') ? fileName.slice(1, -4) : fileName;
  return NAME.exec(name)?.[1] ?? null;
}

/** Deletes every outbox file named after one of `refs`; answers how many. A missing outbox holds none. */
export async function removeOutboxFiles(dataDir: string, refs: Iterable<string>): Promise<number> {
  const wanted = new Set([...refs].map((r) => r.toLowerCase()));
  let names: string[];
  try {
    names = await readdir(outboxDir(dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const doomed = names.filter((n) => wanted.has(refOfOutboxFile(n)?.toLowerCase() ?? ''));
  for (const name of doomed) await rm(join(outboxDir(dataDir), name), { force: true });
  return doomed.length;
}
