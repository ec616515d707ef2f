import { Injectable, NotFoundException } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { ApiKeyScope } from './api-key-scopes';
import { ApiKey, ApiKeyRepository } from './api-key.repository';

const KEY_PREFIX = 'mk_';

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/**
 * API keys are 256 random bits, shown once. Only their SHA-256 is stored: a key is found by its hash,
 * which is as safe as a constant-time compare because the attacker cannot choose the hash.
 */
@Injectable()
export class ApiKeysService {
  constructor(private readonly keys: ApiKeyRepository) {}

  static looksLikeKey(credential: string): boolean {
    return credential.startsWith(KEY_PREFIX);
  }

  async create(name: string, scopes: ApiKeyScope[]): Promise<ApiKeyView & { key: string }> {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const saved = await this.keys.insert({
      name,
      scopes: [...new Set(scopes)],
      prefix: key.slice(0, 10),
      keyHash: hashOf(key),
    });
    return { ...toView(saved), key };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.newestFirst()).map(toView);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.keys.delete(id))) throw new NotFoundException(`API key ${id} not found`);
  }

  async authenticate(key: string): Promise<ApiKey | null> {
    const found = await this.keys.findByHash(hashOf(key));
    if (found && (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > 60_000)) {
      // Recorded at most once a minute, so a busy order system does not write on every call.
      await this.keys.markUsed(found.id, new Date());
    }
    return found;
  }
}

function hashOf(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function toView(k: ApiKey): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    scopes: k.scopes,
    prefix: k.prefix,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
  };
}
