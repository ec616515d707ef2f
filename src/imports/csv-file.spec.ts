import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvFileError, readCsvHeader, readCsvRecords } from './csv-file';

describe('csv-file', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'csv-file-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  describe('readCsvHeader', () => {
    it('reads the header cells, dropping a byte order mark', async () => {
      expect(await readCsvHeader(file('bom.csv', '\ufeffEmail,"Full, Name",city\r\na@example.com,A,B\r\n'))).toEqual([
        'Email',
        'Full, Name',
        'city',
      ]);
    });

    it('reads a file that is only a header without a line end', async () => {
      expect(await readCsvHeader(file('only.csv', 'email,name'))).toEqual(['email', 'name']);
    });

    it.each([
      ['empty', '', /the file is empty/],
      ['binary', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), /binary data/],
      ['utf16', Buffer.from('\ufeffemail\r\n', 'utf16le'), /binary data/],
      ['latin1', Buffer.from('email,name\nb@example.com,Bj\xf6rk\n', 'latin1'), /not UTF-8/],
      ['blank-first', '\n\nemail\n', /first row of the file is empty/],
      ['no-line-end', 'x'.repeat(70 * 1024), /no header row within its first 64 KB/],
    ])('refuses a %s file', async (name, content, message) => {
      await expect(readCsvHeader(file(`${name}.csv`, content))).rejects.toThrow(CsvFileError);
      await expect(readCsvHeader(file(`${name}.csv`, content))).rejects.toThrow(message);
    });
  });

  describe('readCsvRecords', () => {
    const all = async (path: string) => {
      const out: string[][] = [];
      for await (const records of readCsvRecords(path)) out.push(...records);
      return out;
    };

    it('gives one record per row: blank lines stay, a quoted cell may span lines, short and long rows pass', async () => {
      const records = await all(
        file(
          'rows.csv',
          'email,name\na@example.com,"Ada\nLovelace"\n\nb@example.com\nc@example.com,C,extra\nd@example.com,say "hi"\n',
        ),
      );
      expect(records).toEqual([
        ['email', 'name'],
        ['a@example.com', 'Ada\nLovelace'],
        [''],
        ['b@example.com'],
        ['c@example.com', 'C', 'extra'],
        ['d@example.com', 'say "hi"'],
      ]);
    });

    it('fails with a CsvFileError when the file cannot be read', async () => {
      await expect(all(join(dir, 'missing.csv'))).rejects.toThrow(/could not be read \(ENOENT\)/);
    });

    it('gives every record before a quote that is never closed, then the parser error', async () => {
      const got: string[][] = [];
      const reading = (async () => {
        for await (const records of readCsvRecords(
          file('open-quote.csv', 'email,name\na@example.com,A\nb@example.com,"B\nc@example.com,C\n'),
        ))
          got.push(...records);
      })();
      await expect(reading).rejects.toMatchObject({ code: 'CSV_QUOTE_NOT_CLOSED' });
      expect(got).toEqual([
        ['email', 'name'],
        ['a@example.com', 'A'],
      ]);
    });

    it('gives the records before a record over 1 MB, then the parser error', async () => {
      const got: string[][] = [];
      const path = file('huge-row.csv', `email\na@example.com\n${'x'.repeat(1100 * 1024)}\nc@example.com\n`);
      const reading = (async () => {
        for await (const records of readCsvRecords(path)) got.push(...records);
      })();
      await expect(reading).rejects.toMatchObject({ code: 'CSV_MAX_RECORD_SIZE' });
      expect(got).toEqual([['email'], ['a@example.com']]);
    });

    it('reads a file larger than one chunk completely and in order', async () => {
      const lines = Array.from({ length: 30_000 }, (_, i) => `user${i}@example.com,User ${i}`);
      const records = await all(file('big.csv', `email,name\n${lines.join('\n')}\n`));
      expect(records).toHaveLength(30_001);
      expect(records[30_000]).toEqual(['user29999@example.com', 'User 29999']);
      expect(records.map((r) => r[0]).slice(1)).toEqual(lines.map((l) => l.split(',')[0]));
    });
  });
});
