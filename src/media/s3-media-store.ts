import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { S3Config } from '../config/s3-config';
import { MediaStore, StoredFile } from './media-store';

/** Objects in an S3-compatible bucket (S3_URL), for several machines serving the same library. */
export class S3MediaStore extends MediaStore {
  private readonly client: S3Client;

  constructor(private readonly config: S3Config) {
    super();
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      // Checksums only where S3 requires them: newer SDKs add CRC headers that many S3-compatible servers refuse.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(name: string, data: Buffer, mime: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.config.bucket, Key: this.key(name), Body: data, ContentType: mime }),
    );
  }

  async get(name: string): Promise<StoredFile | null> {
    try {
      const found = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(name) }));
      return { body: found.Body as Readable, bytes: found.ContentLength ?? 0 };
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return null;
      throw err;
    }
  }

  async delete(name: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.key(name) }));
  }

  /** Nest calls it at shutdown: closes the client's sockets. */
  onModuleDestroy(): void {
    this.client.destroy();
  }

  private key(name: string): string {
    return `${this.config.prefix}${name}`;
  }
}
