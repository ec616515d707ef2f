import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Options, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';

/** The uploaded file cannot be read as CSV: the message is shown to the uploader (400) or kept as the failure. */
export class CsvFileError extends Error {}

/** How much of a file is read to find its header row. */
const HEADER_WINDOW = 64 * 1024;

/**
 * One parser setup for the header check and the import. Cells are trimmed by the row checks,
 * not here, so csv-parse's stricter trim rules cannot stop a file. relax_column_count turns a
 * short or long row into a row error; relax_quotes accepts stray quotes inside cells; a record of
 * more than 1 MB (most likely a quote never closed) stops the parser, since nothing after it can be
 * told apart.
 */
export const CSV_OPTIONS: Options = {
  bom: true,
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: false,
  max_record_size: 1024 * 1024,
};

/**
 * The header row of an uploaded file, read from its first 64 KB only. A file that is empty, binary
 * (a NUL byte: images, spreadsheets, UTF-16 text), not UTF-8, or has no line end within the window
 * while being longer than it, is refused.
 */
export async function readCsvHeader(path: string): Promise<string[]> {
  const file = await open(path, 'r');
  let chunk: Buffer;
  try {
    const buffer = Buffer.alloc(HEADER_WINDOW);
    const { bytesRead } = await file.read(buffer, 0, HEADER_WINDOW, 0);
    chunk = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  if (chunk.length === 0) throw new CsvFileError('the file is empty');
  if (chunk.includes(0)) throw new CsvFileError('the file is not CSV text (it holds binary data)');
  const lastEnd = chunk.lastIndexOf(0x0a);
  if (lastEnd < 0 && chunk.length === HEADER_WINDOW)
    throw new CsvFileError('the file has no header row within its first 64 KB');
  // Complete lines only: a multi-byte character may be cut at the window's edge.
  const complete = lastEnd < 0 ? chunk : chunk.subarray(0, lastEnd + 1);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(complete);
  } catch {
    throw new CsvFileError('the file is not UTF-8 text: save it as "CSV UTF-8"');
  }
  let header: string[] | undefined;
  try {
    const rows: unknown = parseSync(text.split('\n', 1)[0], CSV_OPTIONS);
    [header] = rows as string[][];
  } catch (err) {
    throw new CsvFileError(`the header row is not valid CSV (${(err as Error).message})`);
  }
  if (!header || header.every((cell) => cell.trim() === ''))
    throw new CsvFileError('the first row of the file is empty');
  return header;
}

/**
 * The records of a CSV file, a chunk's worth at a time, read as a stream: only the chunk being parsed
 * and the records it gave are in memory. Blank lines come out as records of empty cells, so a record's
 * position is its row number. A parse error is thrown only after every record before it was given.
 */
export async function* readCsvRecords(path: string): AsyncGenerator<string[][]> {
  let failure: Error | undefined;
  // The parser is fed by hand and emptied right after each write (it parses synchronously): records
  // parsed before an error are taken before the error is emitted, which a piped stream would discard.
  const parser = parse({ ...CSV_OPTIONS, readableHighWaterMark: 1 << 20 } as Options);
  parser.on('error', (err) => (failure ??= err));
  const drain = () => {
    const records: string[][] = [];
    for (let record: string[] | null; (record = parser.read() as string[] | null) !== null;) records.push(record);
    return records;
  };
  const input = createReadStream(path, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of input) {
      parser.write(chunk);
      const records = drain();
      if (records.length) yield records;
      if (failure) throw failure;
    }
  } catch (err) {
    if (err === failure) throw err;
    throw new CsvFileError(
      `the uploaded file could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  } finally {
    input.destroy();
  }
  await new Promise<void>((resolve) => parser.end(() => resolve()));
  const last = drain();
  if (last.length) yield last;
  if (failure) throw failure;
}
