import { RawBodyRequest } from '@nestjs/common';
import { Request } from 'express';
import { BODY_LIMITS, BodyLimits, bodyShapeProblem } from '../../common/body-limits';
import { readRawBody } from '../raw-body';
import { MalformedWebhook } from './webhook-bounce';

/** SNS messages are at most 256 KB; the envelope and its escaping add to that. */
export const SNS_BODY_LIMIT = 1024 * 1024;

/** JSON webhooks arrive through the app's JSON parser (1 MB); this only bounds a body it did not take. */
export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * The app's limits on a body's shape, but for the count of values: SendGrid posts batches of up to 768 KB, some
 * 30,000 values. Measuring stays linear in the body's size (1 MB at most), and nothing here transforms it.
 */
export const WEBHOOK_BODY_LIMITS: BodyLimits = { ...BODY_LIMITS, values: 250_000 };

/**
 * The body exactly as sent: the app's JSON parser keeps the bytes it read (rawBody), and a body no parser
 * took (SNS posts text/plain) is read here, up to `limit` (over it: 413).
 */
export async function rawBodyOf(req: RawBodyRequest<Request>, limit: number): Promise<Buffer> {
  if (req.rawBody) return req.rawBody;
  return readRawBody(req, limit);
}

/** JSON, within the app's limits on keys and depth, or a 400 saying what is wrong. */
export function parseJson(text: Buffer | string, what = 'the body'): unknown {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.isBuffer(text) ? text.toString('utf8') : text);
  } catch {
    throw new MalformedWebhook(`${what} is not valid JSON`);
  }
  const problem = bodyShapeProblem(value, WEBHOOK_BODY_LIMITS, what);
  if (problem) throw new MalformedWebhook(problem);
  return value;
}
