import { Injectable } from '@nestjs/common';
import { Transactions, Tx } from '../database/transaction';
import { isUniqueViolation } from '../database/unique-violation';
import { emailKeyOf, legacyKeysOf } from '../subscribers/email-key';
import { orderFacts } from './order-fields';
import { Order, OrderRepository, OrderStatus } from './order.repository';

/** An order event as POST /api/orders/events takes it (validated there). */
export interface OrderEvent {
  orderId: string;
  status: OrderStatus;
  customer: { email: string; name?: string };
  order: Record<string, unknown>;
}

/** An order as the subscriber's page and the data export show it. */
export interface OrderView {
  orderId: string;
  status: OrderStatus;
  orderedAt: Date;
  total: number | null;
  currency: string | null;
  items: string[];
  statuses: Partial<Record<OrderStatus, string>>;
}

/**
 * The order history: each order event updates its order's row (one per order id). The same order id and status
 * twice changes nothing (an event replayed by the shop); a new status becomes the order's, with what the event
 * says about the total, currency and items.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly transactions: Transactions,
    private readonly orders: OrderRepository,
  ) {}

  async record(event: OrderEvent, now = new Date()): Promise<void> {
    try {
      await this.transactions.run((tx) => this.write(event, now, tx));
    } catch (e) {
      // The first event of an order posted twice at once: the other request inserted it; apply this one on top.
      if (!isUniqueViolation(e)) throw e;
      await this.transactions.run((tx) => this.write(event, now, tx));
    }
  }

  /** A person's orders, newest first (by the address key and its older spellings). */
  async ofAddress(emailKey: string, limit?: number): Promise<OrderView[]> {
    const rows = await this.orders.ofEmailKeys(keysOf(emailKey), limit);
    return rows.map(viewOf);
  }

  countOfAddress(emailKey: string): Promise<number> {
    return this.orders.countOfEmailKeys(keysOf(emailKey));
  }

  /** Part of erasure: every order of the address goes, in the caller's transaction. */
  eraseAddress(emailKey: string, tx: Tx): Promise<number> {
    return this.orders.deleteByEmailKeys(keysOf(emailKey), tx);
  }

  private async write(event: OrderEvent, now: Date, tx: Tx): Promise<void> {
    const facts = orderFacts(event.order);
    const found = await this.orders.findByOrderId(event.orderId, tx);
    const known = {
      email: event.customer.email.trim(),
      emailKey: emailKeyOf(event.customer.email),
      ...(facts.total !== null ? { total: facts.total } : {}),
      ...(facts.currency !== null ? { currency: facts.currency } : {}),
      ...(facts.items.length ? { items: facts.items } : {}),
    };
    if (!found) {
      await this.orders.insert(
        {
          orderId: event.orderId,
          status: event.status,
          orderedAt: facts.orderedAt ?? now,
          total: null,
          currency: null,
          items: [],
          ...known,
          statuses: { [event.status]: now.toISOString() },
        },
        tx,
      );
      return;
    }
    if (found.statuses[event.status]) return;
    await this.orders.update(
      found.id,
      {
        ...known,
        status: event.status,
        ...(facts.orderedAt ? { orderedAt: facts.orderedAt } : {}),
        statuses: { ...found.statuses, [event.status]: now.toISOString() },
      },
      tx,
    );
  }
}

function keysOf(emailKey: string): string[] {
  return [...new Set([emailKey, ...legacyKeysOf(emailKey)])];
}

function viewOf(o: Order): OrderView {
  return {
    orderId: o.orderId,
    status: o.status,
    orderedAt: o.orderedAt,
    total: o.total === null ? null : Number(o.total),
    currency: o.currency,
    items: o.items,
    statuses: o.statuses,
  };
}
