import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ImportTarget, ImportWriter } from './import-writer';
import { PostgresImportWriter } from './postgres-import-writer';
import { SqliteHandle, SqliteImportWriter } from './sqlite-import-writer';

/** Opens the writer that suits the database in use. */
@Injectable()
export class ImportWriters {
  constructor(private readonly dataSource: DataSource) {}

  async open(target: ImportTarget): Promise<ImportWriter> {
    if (this.dataSource.options.type === 'postgres')
      return PostgresImportWriter.open(() => this.dataSource.createQueryRunner(), target);
    const handle = (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
    return new SqliteImportWriter(handle, target);
  }
}
