/** What an order event's free-form `order` object tells the order history, read leniently: a shop sends what it has. */
export interface OrderFacts {
  orderedAt: Date | null;
  total: number | null;
  currency: string | null;
  items: string[];
}

/** At most this many item names are kept per order, each at most ITEM_NAME_MAX characters. */
export const ITEMS_MAX = 200;
export const ITEM_NAME_MAX = 300;

/**
 * `placedAt` (or `date`) as a time, `total` as a number (a numeric string too: shops send "49.90"), a three-letter
 * `currency` (upper-cased), and the `name` of each of `items`. Anything missing or of another shape is null or
 * left out, never an error: the order's mail has already been validated against its template.
 */
export function orderFacts(order: Record<string, unknown>): OrderFacts {
  return {
    orderedAt: timeOf(order.placedAt ?? order.date),
    total: numberOf(order.total),
    currency:
      typeof order.currency === 'string' && /^[A-Za-z]{3}$/.test(order.currency) ? order.currency.toUpperCase() : null,
    items: itemNames(order.items),
  };
}

function timeOf(value: unknown): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

function itemNames(items: unknown): string[] {
  if (!Array.isArray(items)) return [];
  const names: string[] = [];
  for (const item of items.slice(0, ITEMS_MAX)) {
    const name = item && typeof item === 'object' ? (item as Record<string, unknown>).name : undefined;
    if (typeof name === 'string' && name.trim()) names.push(name.trim().slice(0, ITEM_NAME_MAX));
  }
  return names;
}
