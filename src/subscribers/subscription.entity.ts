import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { nowDefault, timeType } from '../database/column-types';
import { Subscriber } from './subscriber.entity';

export type SubscriptionStatus = 'unconfirmed' | 'confirmed' | 'unsubscribed';

/** A subscriber's membership of one list (list_id references lists, ON DELETE CASCADE: see the migrations). */
@Entity('subscriptions')
export class Subscription {
  @PrimaryColumn({ type: 'uuid' }) subscriberId: string;
  @PrimaryColumn({ type: 'uuid' }) listId: string;
  @Column({ type: 'varchar', length: 16 }) status: SubscriptionStatus;
  @Column({ type: timeType, nullable: true }) confirmedAt: Date | null;
  @Column({ type: timeType, nullable: true }) unsubscribedAt: Date | null;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
  @ManyToOne(() => Subscriber, (s) => s.subscriptions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscriber_id' })
  subscriber?: Subscriber;
}
