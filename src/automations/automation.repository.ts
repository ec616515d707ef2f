import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/transaction';
import { Automation, AutomationEvent, AutomationStatus } from './automation.entity';

export type { Automation, AutomationEvent, AutomationStatus, AutomationStep } from './automation.entity';
export { AUTOMATION_EVENTS, AUTOMATION_STATUSES } from './automation.entity';

export type NewAutomation = Pick<Automation, 'name' | 'triggerEvent' | 'listIds' | 'triggerDays' | 'steps' | 'status'>;

/** The one owner of the `automations` table. */
@Injectable()
export class AutomationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(fields: NewAutomation, tx?: Tx): Promise<Automation> {
    const m = tx ?? this.dataSource.manager;
    return m.save(Automation, m.create(Automation, fields));
  }

  findById(id: string, tx?: Tx): Promise<Automation | null> {
    return (tx ?? this.dataSource.manager).findOneBy(Automation, { id });
  }

  findByIds(ids: string[]): Promise<Automation[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.dataSource
      .getRepository(Automation)
      .createQueryBuilder('a')
      .where('a.id IN (:...ids)', { ids })
      .getMany();
  }

  /** Id and lists only (what an unsubscribe token is checked against). */
  findListIds(id: string, tx?: Tx): Promise<Pick<Automation, 'id' | 'listIds'> | null> {
    return (tx ?? this.dataSource.manager).findOne(Automation, { select: { id: true, listIds: true }, where: { id } });
  }

  async page(skip: number, take: number): Promise<[Automation[], number]> {
    return this.dataSource.manager.findAndCount(Automation, { order: { createdAt: 'DESC' }, skip, take });
  }

  /** The automations of a trigger in a status (over the (trigger_event, status) index). */
  findByEvent(event: AutomationEvent, status: AutomationStatus = 'active'): Promise<Automation[]> {
    return this.dataSource.manager.findBy(Automation, { triggerEvent: event, status });
  }

  async save(automation: Automation, tx?: Tx): Promise<Automation> {
    return (tx ?? this.dataSource.manager).save(Automation, automation);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.dataSource.manager.delete(Automation, { id });
    return (result.affected ?? 0) > 0;
  }
}
