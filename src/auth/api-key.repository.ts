import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiKeyScope } from './api-key-scopes';
import { ApiKey } from './api-key.entity';

export type { ApiKey } from './api-key.entity';

/** The api_keys table: keys for machines, found by the SHA-256 of the key. */
@Injectable()
export class ApiKeyRepository {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  insert(key: { name: string; scopes: ApiKeyScope[]; prefix: string; keyHash: string }): Promise<ApiKey> {
    return this.keys.save(this.keys.create({ ...key, lastUsedAt: null }));
  }

  newestFirst(): Promise<ApiKey[]> {
    return this.keys.find({ order: { createdAt: 'DESC' } });
  }

  /** Whether a key was deleted. */
  async delete(id: string): Promise<boolean> {
    return Boolean((await this.keys.delete({ id })).affected);
  }

  findByHash(keyHash: string): Promise<ApiKey | null> {
    return this.keys.findOne({ where: { keyHash } });
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: at });
  }
}
