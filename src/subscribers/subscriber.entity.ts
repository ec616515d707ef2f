import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { jsonType, nowDefault, timeType } from '../database/column-types';
import { Subscription } from './subscription.entity';

export type SubscriberStatus = 'enabled' | 'blocklisted';
export type Attributes = Record<string, unknown>;

export { emailKeyOf } from './email-key';

/** A person the service writes to. `emailKey` is the normalised address that makes them unique (see emailKeyOf). */
@Entity('subscribers')
export class Subscriber {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 320 }) email: string;
  @Column({ type: 'varchar', length: 320, unique: true }) emailKey: string;
  @Column({ type: 'varchar', length: 200, default: '' }) name: string;
  @Column({ type: jsonType }) attributes: Attributes;
  @Column({ type: 'varchar', length: 16, default: 'enabled' }) status: SubscriberStatus;
  /** The recipient's own choice in the preference centre: false means no open pixel and no rewritten links. */
  @Column({ type: 'boolean', default: true }) trackingEnabled: boolean;
  @CreateDateColumn({ type: timeType, default: nowDefault }) createdAt: Date;
  @UpdateDateColumn({ type: timeType, default: nowDefault }) updatedAt: Date;
  @OneToMany(() => Subscription, (s) => s.subscriber) subscriptions?: Subscription[];
}
