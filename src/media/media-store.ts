import { Readable } from 'node:stream';

/** A stored file as served: its bytes as a stream and their number. */
export interface StoredFile {
  body: Readable;
  bytes: number;
}

/**
 * Where media files live: DATA_DIR/media (DiskMediaStore) or an S3-compatible bucket (S3MediaStore), chosen by S3_URL
 * (media-store.provider.ts). Names are checked by the caller (STORED_NAME) before they reach a store.
 */
export abstract class MediaStore {
  /** Stores the whole file or nothing (a reader never sees half of it). */
  abstract put(name: string, data: Buffer, mime: string): Promise<void>;
  /** null when there is no such file */
  abstract get(name: string): Promise<StoredFile | null>;
  /** Removes the file; no error when it is already gone. */
  abstract delete(name: string): Promise<void>;
}
