import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { SqlCondition } from '../database/sql-condition';

/** A snapshot older than this belongs to a resolve that died (a crash, a lost worker): swept at the next take. */
const ABANDONED_MS = 24 * 60 * 60 * 1000;

/**
 * The only code that reads and writes segment_snapshots and segment_snapshot_members: the subscribers a segment
 * matched at one moment, taken with one INSERT … SELECT so that the segment's rules run once for a whole resolve,
 * then read in subscriber-id order, a page at a time.
 */
@Injectable()
export class SegmentSnapshotRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes a snapshot of the subscribers that meet `segment` (a condition on `s`) and are enabled with a confirmed
   * membership of one of `listIds` (the same narrowing as a campaign's audience page, which checks it again);
   * answers its id.
   */
  async take(segment: SqlCondition, listIds: string[]): Promise<string> {
    await this.sweepAbandoned();
    const id = randomUUID();
    const select = this.dataSource
      .createQueryBuilder()
      .select('s.id')
      .addSelect(this.postgres ? 'CAST(:snapshotId AS uuid)' : ':snapshotId')
      .from('subscribers', 's')
      .where(`s.status = 'enabled'`)
      .andWhere(
        `EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id AND x.list_id IN (:...listIds) AND x.status = 'confirmed')`,
        { listIds },
      )
      .andWhere(segment.sql, segment.params)
      .setParameter('snapshotId', id);
    const [sql, params] = select.getQueryAndParameters();
    await this.dataSource.transaction(async (m) => {
      await m.query(`INSERT INTO segment_snapshots (id, taken_at) VALUES (${this.bind(1)}, ${this.bind(2)})`, [
        id,
        this.time(new Date()),
      ]);
      await m.query(`INSERT INTO segment_snapshot_members (subscriber_id, snapshot_id) ${sql}`, params);
    });
    // The table's statistics are whatever it held when last analysed (often nothing): without fresh ones, PostgreSQL
    // reads a whole snapshot and sorts it for each page instead of walking the primary key to the page's end.
    if (this.postgres) await this.dataSource.query('ANALYZE segment_snapshot_members');
    return id;
  }

  /** The next `limit` subscriber ids of the snapshot after `after`, in id order. */
  async next(snapshotId: string, after: string | null, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ subscriber_id: string }[]>(
      `SELECT subscriber_id FROM segment_snapshot_members WHERE snapshot_id = ${this.bind(1)}` +
        (after ? ` AND subscriber_id > ${this.bind(2)}` : '') +
        ` ORDER BY subscriber_id LIMIT ${Math.floor(limit)}`,
      after ? [snapshotId, after] : [snapshotId],
    );
    return rows.map((r) => r.subscriber_id);
  }

  /** Forgets a snapshot (the resolve is over, or was stopped). */
  async drop(snapshotId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM segment_snapshot_members WHERE snapshot_id = ${this.bind(1)}`, [snapshotId]);
      await m.query(`DELETE FROM segment_snapshots WHERE id = ${this.bind(1)}`, [snapshotId]);
    });
  }

  /** How many snapshots exist (tests check that a resolve leaves none behind). */
  async countAll(): Promise<number> {
    const [row] = await this.dataSource.query<{ n: unknown }[]>(`SELECT COUNT(*) AS n FROM segment_snapshots`);
    return Number(row.n);
  }

  private async sweepAbandoned(): Promise<void> {
    const cutoff = this.time(new Date(Date.now() - ABANDONED_MS));
    const old = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM segment_snapshots WHERE taken_at < ${this.bind(1)}`,
      [cutoff],
    );
    for (const { id } of old) await this.drop(id);
  }

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  private bind(n: number): string {
    return this.postgres ? `$${n}` : '?';
  }

  /** A time as the column takes it (SQLite: TypeORM's UTC text, so text order is time order). */
  private time(d: Date): unknown {
    return this.postgres ? d : d.toISOString().replace('T', ' ').replace('Z', '');
  }
}
