import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

const queues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs `work` in one transaction. On PostgreSQL each transaction gets its own pooled connection.
 * SQLite has a single connection for the whole process, and TypeORM turns a second concurrent
 * transaction on it into a SAVEPOINT inside the first; so there transactions take turns.
 * Do not call inTransaction from inside `work` (it would wait for itself): pass the manager down.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dataSource.options.type === 'postgres') return dataSource.transaction(work);
  const previous = queues.get(dataSource) ?? Promise.resolve();
  const run = previous.then(() => dataSource.transaction(work));
  queues.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * A transaction in progress. Services hold it only to hand it on: a repository method that takes part in a
 * caller's transaction takes `tx?: Tx` as its last argument and runs on `tx ?? its own manager`.
 */
export type Tx = EntityManager;

/** How a service opens a transaction without touching the ORM: `transactions.run(async (tx) => …)`. */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, work);
  }

  /** False once the connection has closed (at shutdown): what is still buffered can no longer be written. */
  get databaseOpen(): boolean {
    return this.dataSource.isInitialized;
  }
}
