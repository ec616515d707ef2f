import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { jsonType, nowDefault, timeType } from '../database/column-types';

export const ORDER_STATUSES = ['placed', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Orders in these statuses are no purchase: segments leave them out of the count, the total and the products. */
export const VOID_ORDER_STATUSES: OrderStatus[] = ['cancelled', 'refunded'];

/**
 * One order of the shop, as its events (POST /api/orders/events) told it, kept per customer address (`emailKey`,
 * the subscribers' normalised key) whether or not the customer is a subscriber: segments read it only through a
 * subscriber's key, the data export and erasure find it the same way.
 */
@Entity('orders')
@Index('uq_orders_order_id', ['orderId'], { unique: true })
@Index('idx_orders_email_key', ['emailKey', 'orderedAt'])
export class Order {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** the shop's own order id */
  @Column({ type: 'varchar', length: 150 }) orderId: string;
  @Column({ type: 'varchar', length: 320 }) emailKey: string;
  /** the address as the shop wrote it */
  @Column({ type: 'varchar', length: 320 }) email: string;
  /** the latest status an event brought */
  @Column({ type: 'varchar', length: 16 }) status: OrderStatus;
  /** the order's own date (`order.placedAt`), else when its first event came */
  @Column({ type: timeType }) orderedAt: Date;
  /** `order.total` when it was a number (or a numeric string) */
  @Column({ type: 'double precision', nullable: true }) total: number | null;
  @Column({ type: 'varchar', length: 3, nullable: true }) currency: string | null;
  /** the names of its items */
  @Column({ type: jsonType }) items: string[];
  /** each status it went through, with when its event came: a replayed event changes nothing */
  @Column({ type: jsonType }) statuses: Partial<Record<OrderStatus, string>>;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
}
