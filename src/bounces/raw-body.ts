import { PayloadTooLargeException } from '@nestjs/common';
import { Request } from 'express';

/** A raw bounce (a DSN or ARF with the returned message, attachments included) may be this large. */
export const RAW_BOUNCE_LIMIT = 10 * 1024 * 1024;

/**
 * Reads a body no global parser took (the app parses only JSON and forms), for this route only, so
 * the raw limit is raised here and nowhere else. Over the limit: 413 without reading the rest.
 */
export function readRawBody(req: Request, limit = RAW_BOUNCE_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Over the limit: answer 413 now; the rest is read and dropped so the answer reaches the client.
      if (size > limit) {
        chunks.length = 0;
        return reject(tooLarge(limit)); // a settled promise ignores the later calls
      }
      chunks.push(chunk);
    });
    req.on('end', () => (size > limit ? undefined : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function tooLarge(limit: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`A raw message may be at most ${limit / 1024 / 1024} MB`);
}
