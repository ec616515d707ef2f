import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { countOf } from '../delivery/message.repository';
import type { Tx } from '../database/transaction';
import { Automation } from './automation.entity';
import { AutomationEnrolment, EnrolmentStatus } from './enrolment.entity';

export type { AutomationEnrolment, EnrolmentStatus } from './enrolment.entity';

/** Rows per INSERT: well under both databases' parameter limits. */
const INSERT_CHUNK = 300;

/** The one owner of `automation_enrolments`: who is in which automation, and where in it. */
@Injectable()
export class EnrolmentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Enrols these people, first step due at `dueAt`; someone enrolled before (in any status) stays as they are. */
  async enrol(automationId: string, subscriberIds: string[], dueAt: Date, tx?: Tx): Promise<void> {
    const m = tx ?? this.dataSource.manager;
    for (let i = 0; i < subscriberIds.length; i += INSERT_CHUNK) {
      await m
        .createQueryBuilder()
        .insert()
        .into(AutomationEnrolment)
        .values(
          subscriberIds.slice(i, i + INSERT_CHUNK).map((subscriberId) => ({
            automationId,
            subscriberId,
            nextStep: 0,
            nextDueAt: dueAt,
            status: 'active' as const,
          })),
        )
        .orIgnore()
        .updateEntity(false)
        .execute();
    }
  }

  /** Active enrolments of active automations whose next step is due, the longest waiting first. */
  due(now: Date, limit: number): Promise<AutomationEnrolment[]> {
    return this.dataSource
      .getRepository(AutomationEnrolment)
      .createQueryBuilder('e')
      .innerJoin(Automation, 'a', 'a.id = e.automationId')
      .where("e.status = 'active'")
      .andWhere('e.nextDueAt <= :now', { now })
      .andWhere("a.status = 'active'")
      .orderBy('e.nextDueAt', 'ASC')
      .limit(limit)
      .getMany();
  }

  findOne(automationId: string, subscriberId: string): Promise<AutomationEnrolment | null> {
    return this.dataSource.manager.findOneBy(AutomationEnrolment, { automationId, subscriberId });
  }

  /**
   * Moves an enrolment past step `fromStep` (compare-and-set: of two workers at the same step, one moves it and
   * the other's transaction writes nothing). Answers whether this call moved it.
   */
  async advance(
    id: string,
    fromStep: number,
    to: { nextStep: number; nextDueAt: Date | null; status: EnrolmentStatus },
    tx?: Tx,
  ): Promise<boolean> {
    const result = await (tx ?? this.dataSource.manager).update(
      AutomationEnrolment,
      { id, nextStep: fromStep, status: 'active' },
      to,
    );
    return (result.affected ?? 0) > 0;
  }

  async leave(id: string, reason: string): Promise<void> {
    await this.dataSource.manager.update(
      AutomationEnrolment,
      { id, status: 'active' },
      { status: 'left', leftReason: reason.slice(0, 64), nextDueAt: null },
    );
  }

  /** Every pending person of an automation leaves (it was stopped). */
  async leaveAll(automationId: string, reason: string, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(
      AutomationEnrolment,
      { automationId, status: 'active' },
      { status: 'left', leftReason: reason.slice(0, 64), nextDueAt: null },
    );
  }

  /** Enrolments of an automation by status. */
  async countByStatus(automationId: string): Promise<Record<EnrolmentStatus, number>> {
    const rows = await this.dataSource
      .getRepository(AutomationEnrolment)
      .createQueryBuilder('e')
      .select('e.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('e.automationId = :automationId', { automationId })
      .groupBy('e.status')
      .getRawMany<{ status: EnrolmentStatus; n: unknown }>();
    const counts: Record<EnrolmentStatus, number> = { active: 0, done: 0, left: 0 };
    for (const r of rows) counts[r.status] = countOf(r.n);
    return counts;
  }

  /** Pending people of an automation, per next step (what each step's report calls "waiting"). */
  async waitingByStep(automationId: string): Promise<Map<number, number>> {
    const rows = await this.dataSource
      .getRepository(AutomationEnrolment)
      .createQueryBuilder('e')
      .select('e.nextStep', 'step')
      .addSelect('COUNT(*)', 'n')
      .where('e.automationId = :automationId', { automationId })
      .andWhere("e.status = 'active'")
      .groupBy('e.nextStep')
      .getRawMany<{ step: unknown; n: unknown }>();
    return new Map(rows.map((r) => [countOf(r.step), countOf(r.n)]));
  }

  /** Who of these people is enrolled in the automation (any status). */
  async enrolledAmong(automationId: string, subscriberIds: string[]): Promise<Set<string>> {
    if (!subscriberIds.length) return new Set();
    const rows = await this.dataSource.manager.find(AutomationEnrolment, {
      select: { subscriberId: true },
      where: { automationId, subscriberId: In(subscriberIds) },
    });
    return new Set(rows.map((r) => r.subscriberId));
  }
}
