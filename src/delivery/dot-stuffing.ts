import type { TransformCallback } from 'node:stream';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream';

/** The fields of nodemailer's DataStream that its transform keeps (its byte counts, the last byte seen). */
interface DataStreamState {
  inByteCount: number;
  outByteCount: number;
  /** the last byte of the previous chunk, false before the first */
  lastByte: number | false;
  push(chunk: Buffer): boolean;
}

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const INSERT_LF = Buffer.from('\n');
const INSERT_LF_DOT = Buffer.from('\n.');
const INSERT_CR = Buffer.from('\r');
const INSERT_DOT = Buffer.from('.');

/**
 * nodemailer's SMTP DATA transform (dot-stuffing, bare CR and bare LF made CRLF), with the same output, found
 * with native searches for CR and LF instead of a JavaScript loop over every byte. That loop was the largest
 * single cost of sending a 30 KB message (about 0.2 ms of the 0.5 ms bare nodemailer spends on one): here the
 * work is per line. The rules are nodemailer's, byte for byte (dot-stuffing.spec compares both on every case
 * and on random data): something is inserted only after a CR, at an LF, or at a dot after an LF (or at the
 * very start), so only those places are looked at.
 */
export function fastDataTransform(
  this: DataStreamState,
  input: Buffer | string,
  _encoding: BufferEncoding,
  done: TransformCallback,
): void {
  if (!input || !input.length) return done();
  const chunk = typeof input === 'string' ? Buffer.from(input) : input;
  this.inByteCount += chunk.length;
  const len = chunk.length;
  const lastByte = this.lastByte;
  const pieces: Buffer[] = [];
  let outLength = 0;
  let from = 0;
  let checked = -1;
  // nodemailer's rule for the byte at i, given the byte before it (or the previous chunk's last)
  const check = (i: number): void => {
    if (i <= checked || i >= len) return;
    checked = i;
    const byte = chunk[i];
    const prev = i ? chunk[i - 1] : lastByte;
    let insert: Buffer | null = null;
    if (prev === CR && byte !== LF) insert = byte === DOT ? INSERT_LF_DOT : INSERT_LF;
    else if (byte === LF && prev !== CR) insert = INSERT_CR;
    else if (byte === DOT && (prev === LF || prev === false)) insert = INSERT_DOT;
    if (!insert) return;
    if (i > from) {
      pieces.push(chunk.subarray(from, i));
      outLength += i - from;
    }
    pieces.push(insert);
    outLength += insert.length;
    from = i;
  };
  check(0);
  let cr = chunk.indexOf(CR);
  let lf = chunk.indexOf(LF);
  while (cr !== -1 || lf !== -1) {
    if (cr !== -1 && (lf === -1 || cr < lf)) {
      check(cr + 1);
      cr = chunk.indexOf(CR, cr + 1);
    } else {
      check(lf);
      check(lf + 1);
      lf = chunk.indexOf(LF, lf + 1);
    }
  }
  if (pieces.length) {
    if (from < len) {
      pieces.push(chunk.subarray(from));
      outLength += len - from;
    }
    this.outByteCount += outLength;
    this.push(Buffer.concat(pieces, outLength));
  } else {
    this.outByteCount += len;
    this.push(chunk);
  }
  this.lastByte = chunk[len - 1];
  done();
}

/** nodemailer's own transform, kept for the spec's comparison. */
export const nodemailerDataTransform: unknown = Object.getOwnPropertyDescriptor(
  DataStream.prototype,
  '_transform',
)!.value;

/**
 * Makes every SMTP connection of this thread (nodemailer's, whichever pool) dot-stuff with fastDataTransform.
 * Idempotent; each worker thread has its own copy of the module and calls it once.
 */
export function useFastDotStuffing(): void {
  (DataStream.prototype as unknown as { _transform: typeof fastDataTransform })._transform = fastDataTransform;
}
