import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { DatabaseHealth } from './database-health';
import { dataSourceOptions } from './database.options';
import { Transactions } from './transaction';

/** The database connection; pending migrations run at boot (synchronize stays off). Transactions for every feature. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database),
        migrationsRun: true,
        autoLoadEntities: false,
      }),
    }),
  ],
  providers: [Transactions, DatabaseHealth],
  exports: [Transactions, DatabaseHealth],
})
export class DatabaseModule {}
