import request from 'supertest';
import { TestApp } from './test-app';

/** The preference centre's "download all data" (GET /p/:token/export) as the person gets it: the response, its body as text. */
export function dataDownload(t: TestApp, token: string): Promise<request.Response> {
  return t
    .http()
    .get(`/p/${token}/export`)
    .buffer(true)
    .parse((res, cb) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => cb(null, text));
    })
    .expect(200);
}
