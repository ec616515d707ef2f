import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Media } from './media.entity';

export type { Media } from './media.entity';

/** What a new image row holds. */
export type NewMedia = Omit<Media, 'id' | 'createdAt'>;

/** The one owner of the `media` table. */
@Injectable()
export class MediaRepository {
  constructor(@InjectRepository(Media) private readonly media: Repository<Media>) {}

  findById(id: string): Promise<Media | null> {
    return this.media.findOneBy({ id });
  }

  findBySha256(sha256: string): Promise<Media | null> {
    return this.media.findOneBy({ sha256 });
  }

  findByStoredName(storedName: string): Promise<Media | null> {
    return this.media.findOneBy({ storedName });
  }

  /** Newest first, and how many there are in all. */
  page(skip: number, take: number): Promise<[Media[], number]> {
    return this.media.findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, skip, take });
  }

  /** Throws a unique violation when the same file was stored meanwhile (see MediaService.upload). */
  insert(row: NewMedia): Promise<Media> {
    return this.media.save(this.media.create(row));
  }

  /** Whether a row was deleted. */
  async delete(id: string): Promise<boolean> {
    return Boolean((await this.media.delete({ id })).affected);
  }
}
