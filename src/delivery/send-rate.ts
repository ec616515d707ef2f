import type { Redis } from 'ioredis';

/**
 * Reserves the next free send slot in Redis (a leaky bucket spacing sends 1/rate apart).
 * One key shared by every worker of every process, so SEND_RATE holds across all of them; the clock
 * is Redis's own (TIME), so machines with skewed clocks agree. A slot is reserved even if the caller
 * then fails to send: the rate is an upper bound.
 */
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextFree)
redis.call('SET', KEYS[1], string.format('%.0f', slot + interval), 'PX', math.ceil((slot + interval - now) / 1000) + 1000)
-- %.0f: Lua's tostring would print microseconds since 1970 in exponent notation, losing digits
return {string.format('%.0f', slot), string.format('%.0f', now)}
`;

type WithReserve = Redis & { reserveSendSlot(key: string, intervalMicros: number): Promise<[string, string]> };

/** A reserved slot and Redis's clock when it was reserved, in microseconds. */
export interface SendSlot {
  slot: number;
  now: number;
}

export class SendRateLimiter {
  private readonly intervalMicros: number;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    perSecond: number,
  ) {
    this.intervalMicros = Math.max(1, Math.round(1_000_000 / perSecond));
    if (!('reserveSendSlot' in redis)) redis.defineCommand('reserveSendSlot', { numberOfKeys: 1, lua: RESERVE_SLOT });
  }

  /** Resolves when this process may hand one message to SMTP. */
  async acquire(): Promise<void> {
    const { slot, now } = await this.reserve();
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, Math.ceil((slot - now) / 1000)));
  }

  /** Reserves the next slot without waiting for it. */
  async reserve(): Promise<SendSlot> {
    const [slot, now] = await (this.redis as WithReserve).reserveSendSlot(this.key, this.intervalMicros);
    return { slot: Number(slot), now: Number(now) };
  }
}
