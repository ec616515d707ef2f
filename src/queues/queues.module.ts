import { BullModule } from '@nestjs/bull';
import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { defaultJobOptions } from './queues';
import { RedisConnection } from './redis-connection';

/** Stops the private redis-server (if this process started one) when the app shuts down. */
@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(private readonly connection: RedisConnection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connection.stop();
  }
}

/** Bull's shared connection; features register their own queues with BullModule.registerQueue. */
@Global()
@Module({})
export class QueuesModule {
  static forRoot(connection: RedisConnection): DynamicModule {
    return {
      module: QueuesModule,
      imports: [
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ redis: connection.options, prefix: config.queuePrefix, defaultJobOptions }),
        }),
      ],
      providers: [{ provide: RedisLifecycle, useFactory: () => new RedisLifecycle(connection) }],
      exports: [BullModule],
    };
  }
}
