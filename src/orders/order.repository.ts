import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/transaction';
import { Order } from './order.entity';

export type { Order, OrderStatus } from './order.entity';

/** What a new order row holds. */
export type NewOrder = Omit<Order, 'id' | 'createdAt' | 'updatedAt'>;

/** The only code that reads and writes the `orders` table. */
@Injectable()
export class OrderRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findByOrderId(orderId: string, tx?: Tx): Promise<Order | null> {
    return (tx ?? this.dataSource.manager).findOneBy(Order, { orderId });
  }

  /** Throws a unique violation when the same order was recorded meanwhile. */
  async insert(row: NewOrder, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).insert(Order, row);
  }

  async update(id: string, changes: Partial<NewOrder>, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).update(Order, { id }, changes);
  }

  /** The orders of these address keys, newest first. */
  ofEmailKeys(keys: string[], limit?: number): Promise<Order[]> {
    return this.dataSource.manager.find(Order, {
      where: { emailKey: In(keys) },
      order: { orderedAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  countOfEmailKeys(keys: string[]): Promise<number> {
    return this.dataSource.manager.countBy(Order, { emailKey: In(keys) });
  }

  async deleteByEmailKeys(keys: string[], tx?: Tx): Promise<number> {
    const result = await (tx ?? this.dataSource.manager).delete(Order, { emailKey: In(keys) });
    return result.affected ?? 0;
  }
}
