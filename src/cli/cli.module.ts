import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/config.module';
import { dataSourceOptions } from '../database/database.options';
import { Transactions } from '../database/transaction';
import { UsersModule } from '../users/users.module';

/** What the command line needs: the configuration, the database (pending migrations run) and users. No Redis. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      // Transactions for UsersService, as the server's global DatabaseModule gives them.
      global: true,
      providers: [Transactions],
      exports: [Transactions],
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          // Unlike the server, a command fails at once when the database cannot be reached.
          useFactory: (c: AppConfig) => ({ ...dataSourceOptions(c.database), migrationsRun: true, retryAttempts: 0 }),
        }),
        UsersModule,
      ],
    };
  }
}
