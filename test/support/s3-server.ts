import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** s3rver ships no types: the part of its API used here. */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as S3rverClass;

/**
 * A real S3-compatible server on 127.0.0.1 (s3rver: the S3 REST API over files in a folder), with one bucket. It
 * takes any signature whose key id is S3RVER and secret S3RVER.
 */
export class S3Server {
  readonly bucket = 'media-test';
  readonly credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  private server?: S3rverInstance;
  private dir?: string;
  port = 0;

  async start(): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'mc-s3rver-'));
    this.server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: this.dir,
      configureBuckets: [{ name: this.bucket }],
    });
    this.port = (await this.server.run()).port;
    return this;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** S3_URL for the service, keys under `prefix/` in the bucket. */
  url(prefix: string): string {
    return `s3+http://S3RVER:S3RVER@127.0.0.1:${this.port}/${this.bucket}/${prefix}`;
  }

  /** Stops the server (a test may stop it early to see the service without its storage) and removes its files. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
