import { Inject, Injectable, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { REDIS_CONNECTION, RedisConnection } from '../../queues/redis-connection';

/**
 * Remembers which signed deliveries were taken (Mailgun tokens, SNS message ids), in Redis so that every
 * process of the service shares the memory. Ids are kept as hashes, for as long as a replay could pass the
 * other checks.
 */
@Injectable()
export class WebhookReplayGuard implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(@Inject(REDIS_CONNECTION) connection: RedisConnection, config: AppConfig) {
    this.redis = new Redis({ ...connection.options, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined); // reconnects on its own; /health reports Redis down
    this.prefix = `${config.queuePrefix}:webhook`;
  }

  /** True the first time an id is claimed within `ttlSeconds`, false for a replay. */
  async claim(kind: string, id: string, ttlSeconds: number): Promise<boolean> {
    try {
      return (await this.redis.set(this.key(kind, id), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    } catch {
      // Without the memory a replay cannot be told apart: the provider retries later.
      throw new ServiceUnavailableException('Replay protection is unavailable (Redis); try again later');
    }
  }

  /** Forgets a claim whose delivery failed, so that the provider's retry is taken. */
  async release(kind: string, id: string): Promise<void> {
    await this.redis.del(this.key(kind, id)).catch(() => undefined);
  }

  private key(kind: string, id: string): string {
    return `${this.prefix}:${kind}:${createHash('sha256').update(id).digest('hex')}`;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}
