import { BullModule } from '@nestjs/bull';
import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import Bull from 'bull';
import { AppConfig } from '../config/app-config';
import { ignoreWorkerNameFailures } from './bull-worker-name';
import { defaultJobOptions } from './queues';
import { REDIS_CONNECTION, RedisConnection } from './redis-connection';

/** Bull sets `closing` (the promise of its close) once Queue#close has been called. */
function isClosing(queue: Bull.Queue): boolean {
  return (queue as Bull.Queue & { closing?: Promise<void> }).closing !== undefined;
}

/**
 * Stops the queues, then the private redis-server (if this process started one), when the app shuts down.
 *
 * Before any module's shutdown hook: every queue stops taking jobs and the jobs running finish. Bull's own
 * close does the same in one step, but it quits the blocking connection while a job still runs, and when that
 * quit times out (the connection is blocked waiting for the next job) a promise of Bull's rejects with no
 * handler. Paused and drained first, the close that follows has nothing to wait for.
 *
 * Then: Nest runs the modules' shutdown hooks in an order of its own, not after the queues' (each queue closes
 * in its own hook), so they are all closed here before the server they talk to goes. Queue#close is
 * idempotent: their own hooks find them closed.
 */
@Injectable()
class QueueLifecycle implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    private readonly connection: RedisConnection,
    private readonly discovery: DiscoveryService,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(
      // Not a queue closed already (the app closed twice): Bull's pause would reopen its blocking connection,
      // which nothing closes again and which reconnects for ever once Redis is gone.
      this.queues()
        .filter((queue) => !isClosing(queue))
        .map(async (queue) => {
          // local pause without waiting: no new job is taken; Bull retries a failed pause on its own close
          await queue.pause(true, true).catch(() => undefined);
          await Promise.all(runningOf(queue));
        }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues().map((q) => q.close()));
    await this.connection.stop();
  }

  private queues(): Bull.Queue[] {
    return this.discovery
      .getProviders()
      .map((p) => p.instance as unknown)
      .filter((i): i is Bull.Queue => i instanceof Bull);
  }
}

/** Bull keeps, per concurrency slot, the promise of the job it is getting or running (not in its typings). */
function runningOf(queue: Bull.Queue): Promise<unknown>[] {
  const slots = (queue as unknown as { processing?: Record<string, Promise<unknown>> }).processing ?? {};
  return Object.values(slots).map((p) => Promise.resolve(p).catch(() => undefined));
}

/** Bull's shared connection; features register their own queues with BullModule.registerQueue. */
@Global()
@Module({})
export class QueuesModule {
  static forRoot(connection: RedisConnection): DynamicModule {
    ignoreWorkerNameFailures();
    return {
      module: QueuesModule,
      imports: [
        DiscoveryModule,
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            redis: connection.options,
            prefix: config.queuePrefix,
            defaultJobOptions,
          }),
        }),
      ],
      providers: [
        {
          provide: QueueLifecycle,
          inject: [DiscoveryService],
          useFactory: (discovery: DiscoveryService) => new QueueLifecycle(connection, discovery),
        },
        { provide: REDIS_CONNECTION, useValue: connection },
      ],
      exports: [BullModule, REDIS_CONNECTION],
    };
  }
}
