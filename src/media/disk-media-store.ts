import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaStore, StoredFile } from './media-store';

/** Files in one folder (DATA_DIR/media by default), written under a temporary name and then renamed into place. */
export class DiskMediaStore extends MediaStore {
  constructor(private readonly dir: string) {
    super();
  }

  async put(name: string, data: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temporary = join(this.dir, `.upload-${randomUUID()}`);
    try {
      await writeFile(temporary, data, { flag: 'wx' });
      await rename(temporary, join(this.dir, name));
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
  }

  async get(name: string): Promise<StoredFile | null> {
    const path = join(this.dir, name);
    try {
      const { size } = await stat(path);
      return { body: createReadStream(path), bytes: size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(name: string): Promise<void> {
    await rm(join(this.dir, name), { force: true });
  }
}
