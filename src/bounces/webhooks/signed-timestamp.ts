/**
 * Whether a provider's signed timestamp (Unix seconds, as digits) is within `maxAgeSeconds` of our clock, either
 * way. The signature covers it, so an older one is a replay of a delivery that was once genuine.
 */
export function signedTimestampFresh(timestamp: string, maxAgeSeconds: number, nowMs = Date.now()): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= maxAgeSeconds;
}
