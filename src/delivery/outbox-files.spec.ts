import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outboxDir, outboxFileName, refOfOutboxFile, removeOutboxFiles } from './outbox-files';

const ID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('outbox file names', () => {
  it('start with the time (a listing is in sending order) and carry the ref, read back from the name', () => {
    const name = outboxFileName(ID, new Date('2026-12-02T15:38:28.123Z'));
    expect(name).toMatch(new RegExp(`^2026-12-02T15-38-28-123Z-${ID}-[0-9a-f]{8}\\.eml$`));
    expect(refOfOutboxFile(name)).toBe(ID);
    expect(refOfOutboxFile(`.${name}.tmp`)).toBe(ID);
  });

  it('keep only safe characters of a ref, and name mail without one', () => {
    expect(refOfOutboxFile(outboxFileName('../x y/z'))).toBe('xyz');
    expect(refOfOutboxFile(outboxFileName(undefined))).toBe('mail');
    expect(refOfOutboxFile('notes.txt')).toBeNull();
    // named before refs existed (time and a random UUID): no ref to read
    expect(refOfOutboxFile('2026-12-02T15-38-28-123Z-0f8fad5b-d9cb-469f-a165-70867728950e.eml')).toBeNull();
  });

  it('removeOutboxFiles deletes the files of the refs given, and only those', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'outbox-'));
    try {
      expect(await removeOutboxFiles(dataDir, [ID])).toBe(0); // no outbox yet
      await mkdir(outboxDir(dataDir));
      const mine = [outboxFileName(ID), outboxFileName(ID.toUpperCase())];
      const theirs = outboxFileName('0193a1b2-0000-7000-8000-000000000000');
      for (const name of [...mine, theirs, `.${outboxFileName(ID)}.tmp`])
        await writeFile(join(outboxDir(dataDir), name), 'x');
      expect(await removeOutboxFiles(dataDir, [ID])).toBe(3);
      expect(await readdir(outboxDir(dataDir))).toEqual([theirs]);
      // Written before names carried a ref: found by the address in the headers (never in the body alone).
      const old = (uuid: string) => `2026-11-30T10-00-00-000Z-${uuid}.eml`;
      await writeFile(
        join(outboxDir(dataDir), old('0f8fad5b-d9cb-469f-a165-70867728950e')),
        'To: Zoe <Zoe@Example.com>\r\nSubject: x\r\n\r\nhi',
      );
      await writeFile(
        join(outboxDir(dataDir), old('1f8fad5b-d9cb-469f-a165-70867728950e')),
        'To: other@example.com\r\n\r\nzoe@example.com',
      );
      expect(await removeOutboxFiles(dataDir, [ID], ['zoe@example.com'])).toBe(1);
      expect((await readdir(outboxDir(dataDir))).sort()).toEqual(
        [old('1f8fad5b-d9cb-469f-a165-70867728950e'), theirs].sort(),
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
