import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/config.module';
import { dataSourceOptions } from '../database/database.options';
import { UsersModule } from '../users/users.module';

/** What the command line needs: the configuration, the database (pending migrations run) and users. No Redis. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
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
