import { randomBytes } from 'node:crypto';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream';
import { fastDataTransform, nodemailerDataTransform } from './dot-stuffing';

/** What a DataStream whose _transform is `transform` writes for `chunks`, with its byte counts. */
async function through(transform: unknown, chunks: Array<Buffer | string>) {
  const stream = new DataStream();
  (stream as unknown as { _transform: unknown })._transform = transform;
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  for (const c of chunks) stream.write(c);
  stream.end();
  await ended;
  return { data: Buffer.concat(out).toString('latin1'), in: stream.inByteCount, out: stream.outByteCount };
}

const both = async (chunks: Array<Buffer | string>) => ({
  fast: await through(fastDataTransform, chunks),
  nodemailer: await through(nodemailerDataTransform, chunks),
});

describe('fastDataTransform (SMTP DATA dot-stuffing)', () => {
  it.each([
    ['plain CRLF lines', ['a\r\nb\r\n']],
    ['a dot at the very start', ['.hidden\r\n']],
    ['dots after line ends', ['a\r\n.b\r\n..c\r\n.\r\n']],
    ['a bare LF and a dot after it', ['a\nb\n.c']],
    ['a bare CR, and a dot after one (SMTP smuggling)', ['a\rb\r.\r\n']],
    ['CR CR LF', ['a\r\r\nb']],
    ['a CRLF split over two chunks', ['a\r', '\n.b']],
    ['a bare CR ending a chunk, a dot starting the next', ['a\r', '.b']],
    ['an LF ending a chunk, a dot starting the next', ['a\r\n', '.b\n', '.']],
    ['a string chunk and empty ones', ['', 'x.y\n.z', Buffer.alloc(0)]],
    ['no line end at all', ['just text']],
    ['nothing', []],
  ])('writes what nodemailer writes: %s', async (_name, chunks) => {
    const { fast, nodemailer } = await both(chunks);
    expect(fast).toEqual(nodemailer);
  });

  it('writes what nodemailer writes for random data made of CR, LF, dots and text, cut anywhere', async () => {
    const alphabet = Buffer.from('\r\n.a ');
    for (let run = 0; run < 300; run++) {
      const bytes = Buffer.from(randomBytes(1 + (run % 60)).map((b) => alphabet[b % alphabet.length]));
      const cuts = [...randomBytes(3)].map((b) => b % (bytes.length + 1)).sort((a, b) => a - b);
      const chunks = [bytes.subarray(0, cuts[0]), bytes.subarray(cuts[0], cuts[1]), bytes.subarray(cuts[1])];
      const { fast, nodemailer } = await both(chunks);
      expect([bytes.toString('latin1'), fast]).toEqual([bytes.toString('latin1'), nodemailer]);
    }
  });

  it('ends the data with CRLF.CRLF as nodemailer does (its flush is unchanged)', async () => {
    expect((await through(fastDataTransform, ['a\r\n.b'])).data).toBe('a\r\n..b\r\n.\r\n');
  });
});
