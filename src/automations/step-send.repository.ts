import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThanOrEqual } from 'typeorm';
import type { Tx } from '../database/transaction';
import { AutomationStepSend } from './step-send.entity';

export type { AutomationStepSend } from './step-send.entity';

/** The one owner of `automation_step_sends`: which step went to whom (unique per person and step). */
@Injectable()
export class StepSendRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  insertSend(
    row: Pick<AutomationStepSend, 'automationId' | 'subscriberId' | 'stepIndex' | 'messageId' | 'sunsetDueAt'>,
    tx?: Tx,
  ) {
    return (tx ?? this.dataSource.manager).insert(AutomationStepSend, row);
  }

  /** One page of a step's message ids, in keyset order of send id after `after`. */
  async stepMessagesPage(
    automationId: string,
    stepIndex: number,
    after: string | null,
    limit: number,
  ): Promise<{ id: string; messageId: string }[]> {
    const qb = this.dataSource
      .getRepository(AutomationStepSend)
      .createQueryBuilder('s')
      .select(['s.id', 's.messageId'])
      .where('s.automationId = :automationId AND s.stepIndex = :stepIndex', { automationId, stepIndex })
      .orderBy('s.id', 'ASC')
      .limit(limit);
    if (after) qb.andWhere('s.id > :after', { after });
    return (await qb.getMany()).map((s) => ({ id: s.id, messageId: s.messageId }));
  }

  /** Sunset checks that are due. */
  dueSunsets(now: Date, limit: number): Promise<AutomationStepSend[]> {
    return this.dataSource.manager.find(AutomationStepSend, {
      where: { sunsetDueAt: LessThanOrEqual(now) },
      order: { sunsetDueAt: 'ASC' },
      take: limit,
    });
  }

  /** Marks sunset checks done; answers the ids this call cleared (of two workers, one clears each). */
  async clearSunset(id: string, tx?: Tx): Promise<boolean> {
    const result = await (tx ?? this.dataSource.manager)
      .createQueryBuilder()
      .update(AutomationStepSend)
      .set({ sunsetDueAt: null })
      .where('id = :id AND sunset_due_at IS NOT NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
