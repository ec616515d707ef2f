import { open, readdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * The .eml files of outbox mode (no SMTP_URL): `<time>-<ref>-<random>.eml`, where `ref` is the id of what the
 * mail belongs to: its message row (every mail has one now; confirmation mails written before they did were named
 * after the subscriber). The time keeps a listing in sending order; the ref lets erasure find a person's files by id, never
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

/**
 * Deletes every outbox file named after one of `refs`, and every file written before names carried a ref
 * whose headers name one of `addresses` (case-insensitively); answers how many. A missing outbox holds none.
 */
export async function removeOutboxFiles(
  dataDir: string,
  refs: Iterable<string>,
  addresses: string[] = [],
): Promise<number> {
  const wanted = new Set([...refs].map((r) => r.toLowerCase()));
  const dir = outboxDir(dataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const doomed: string[] = [];
  for (const name of names) {
    const ref = refOfOutboxFile(name);
    if (
      ref !== null
        ? wanted.has(ref.toLowerCase())
        : name.endsWith('.eml') && (await headersName(join(dir, name), addresses))
    )
      doomed.push(name);
  }
  for (const name of doomed) await rm(join(dir, name), { force: true });
  return doomed.length;
}

/** Whether the message's header block (its first 64 KB at most) mentions one of the addresses. */
async function headersName(path: string, addresses: string[]): Promise<boolean> {
  if (!addresses.length) return false;
  const file = await open(path, 'r').catch(() => null);
  if (!file) return false;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.search(/\r?\n\r?\n/);
    const headers = (end < 0 ? text : text.slice(0, end)).toLowerCase();
    return addresses.some((a) => a && headers.includes(a.toLowerCase()));
  } finally {
    await file.close();
  }
}
