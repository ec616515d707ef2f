import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { BulkTarget, BulkWriter } from './bulk/bulk-writer';
import { PostgresBulkWriter } from './bulk/postgres-bulk-writer';
import { SqliteBulkWriter, SqliteHandle } from './bulk/sqlite-bulk-writer';

export type { BatchResult, BulkMode, BulkRow, BulkTarget, BulkWriter } from './bulk/bulk-writer';

/**
 * Writes subscribers and their memberships in bulk (CSV imports): opens the writer that suits the database
 * in use, each with its own connection (PostgreSQL COPY lanes, or better-sqlite3's handle).
 */
@Injectable()
export class SubscriberBulkRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async open(target: BulkTarget): Promise<BulkWriter> {
    if (this.dataSource.options.type === 'postgres')
      return PostgresBulkWriter.open(async () => {
        const runner = this.dataSource.createQueryRunner();
        return { client: (await runner.connect()) as PoolClient, release: () => runner.release() };
      }, target);
    const handle = (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
    return new SqliteBulkWriter(handle, target);
  }
}
