import { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { PrivateRedis } from './private-redis';

/** Injection token of the app's RedisConnection (provided by QueuesModule.forRoot), for features that need Redis beyond Bull. */
export const REDIS_CONNECTION = 'REDIS_CONNECTION';

export interface RedisConnection {
  options: RedisOptions;
  /** Stops the private redis-server if this process started one. */
  stop(): Promise<void>;
}

/**
 * On close, ioredis ends each connection and destroys it if it is still open this long after; it leaves
 * that timer running when the connection had already gone (Redis unreachable or stopped), which kept a
 * closed app's process alive for its default of 2 s. A connection that is really open ends well within this.
 */
const DISCONNECT_TIMEOUT_MS = 500;

/** REDIS_URL as ioredis options, or the private redis-server started and reached by its socket. */
export async function connectRedis(config: AppConfig): Promise<RedisConnection> {
  if (config.redis.kind === 'url') return { options: redisOptionsOf(config.redis.url), stop: () => Promise.resolve() };
  const server = new PrivateRedis(config.redis.dir);
  await server.start();
  return { options: { path: server.socketPath, disconnectTimeout: DISCONNECT_TIMEOUT_MS }, stop: () => server.stop() };
}

export function redisOptionsOf(url: string): RedisOptions {
  const u = new URL(url);
  const db = Number(u.pathname.replace('/', '') || 0);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  };
}
