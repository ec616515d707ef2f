import { HttpException, HttpStatus, Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config';
import { REDIS_CONNECTION, RedisConnection } from '../queues/redis-connection';

const WINDOW_SECONDS = 15 * 60;
/** How long start-up waits for the limiter's Redis connection before serving with the in-memory insurance. */
const CONNECT_WAIT_MS = 5_000;
/** Sign-in attempts that did not succeed, per account (whatever the client address) and per client address. */
export const ACCOUNT_ATTEMPTS = 10;
export const ADDRESS_ATTEMPTS = 30;

/** 429 with the seconds to wait; the routes put them in Retry-After. */
export class TooManySignInAttempts extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    what: 'account' | 'address',
  ) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    const whose = what === 'account' ? 'for this account' : 'from your network address';
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `Too many failed sign-in attempts ${whose}: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Limits sign-in attempts per account and per client address, in Redis so every process of the service
 * shares the counts (rate-limiter-flexible's atomic counters). Each attempt takes a point from both before
 * the password is checked (so parallel guesses cannot slip past the limit); a successful sign-in clears the
 * account's count and gives the address its point back. Accounts are keyed by a hash of the address typed,
 * known or not, so Redis holds no email address and an unknown account is limited like a real one.
 */
@Injectable()
export class LoginLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly redis: Redis;
  private readonly byAccount: RateLimiterRedis;
  private readonly byAddress: RateLimiterRedis;

  constructor(@Inject(REDIS_CONNECTION) connection: RedisConnection, config: AppConfig) {
    // No offline queue: while Redis is away a count fails at once and the in-memory insurance below takes over.
    this.redis = new Redis({ ...connection.options, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined); // reconnects on its own; /health reports Redis down
    const prefix = `${config.queuePrefix}:signin`;
    const limiter = (name: string, points: number) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${prefix}:${name}`,
        points,
        duration: WINDOW_SECONDS,
        rejectIfRedisNotReady: true,
        // While Redis cannot be reached the limit still holds, per process: sign-in neither stops nor goes unlimited.
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}:${name}`, points, duration: WINDOW_SECONDS }),
      });
    this.byAccount = limiter('account', ACCOUNT_ATTEMPTS);
    this.byAddress = limiter('address', ADDRESS_ATTEMPTS);
  }

  /**
   * Waits (bounded) for the connection, so the first attempts after start-up are counted in Redis like the rest:
   * counts split between the in-memory insurance and Redis would each stay under the limit.
   */
  async onModuleInit(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, CONNECT_WAIT_MS);
      this.redis.once('ready', done);
    });
  }

  /** Takes one attempt for this account and address; throws TooManySignInAttempts when either has none left. */
  async attempt(email: string, ip: string): Promise<void> {
    const account = accountKey(email);
    const [a, b] = await Promise.allSettled([this.byAccount.consume(account), this.byAddress.consume(ip)]);
    for (const r of [a, b]) if (r.status === 'rejected' && !(r.reason instanceof RateLimiterRes)) throw r.reason;
    if (a.status === 'fulfilled' && b.status === 'fulfilled') return;
    // Refused: the attempt is not made, so the limiter that still allowed it gets its point back.
    if (a.status === 'fulfilled') await this.byAccount.reward(account);
    if (b.status === 'fulfilled') await this.byAddress.reward(ip);
    const refusal = a.status === 'rejected' ? a : (b as PromiseRejectedResult);
    const waitMs = (refusal.reason as RateLimiterRes).msBeforeNext;
    throw new TooManySignInAttempts(Math.ceil(waitMs / 1000), a.status === 'rejected' ? 'account' : 'address');
  }

  /** After a successful sign-in: the account starts afresh, and the address's attempt is given back. */
  async succeeded(email: string, ip: string): Promise<void> {
    await Promise.all([this.byAccount.delete(accountKey(email)), this.byAddress.reward(ip)]);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}
