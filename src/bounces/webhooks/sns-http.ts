import { Injectable } from '@nestjs/common';

/** AWS answers in well under a second; a hung request must not hold the webhook open. */
export const SNS_FETCH_TIMEOUT_MS = 5000;

/**
 * GETs from AWS's SNS endpoints (signing certificates, subscription confirmations). The callers check the URL
 * (sns-message.ts snsUrl) before calling; this is the one seam the tests replace, pointing it at a local server,
 * since AWS cannot be reached from them.
 */
@Injectable()
export class SnsHttp {
  async get(url: URL, maxBytes: number): Promise<Buffer> {
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(SNS_FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`${url.host} answered ${res.status}`);
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes)
      throw new Error(`${url.host} sent more than ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += chunk.length;
      if (size > maxBytes) throw new Error(`${url.host} sent more than ${maxBytes} bytes`);
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
}
