import { isIPv4 } from 'node:net';

/**
 * Which opens a person made and which a machine made for them, and which clicks are link scanners.
 * Pure functions: the recorder applies them when it writes a batch.
 */

/** Why an open is not a person reading: a mail-privacy proxy fetched the images. */
export type MachineOpen = 'apple-mpp' | 'google-proxy';

/** Tokens every real browser or mail client's user agent carries one of. */
const BROWSER_TOKENS = /AppleWebKit|Gecko|Chrome|Safari|Firefox|Trident|Edge?\/|Outlook|Thunderbird|Opera|Mobile/i;

/**
 * Apple Mail Privacy Protection loads every image through Apple's proxies when the mail arrives, with the
 * user agent `Mozilla/5.0` and nothing else, from Apple's own network 17.0.0.0/8 (or its relay partners).
 * Google's image proxy says so in its user agent (`GoogleImageProxy`, `via ggpht.com`).
 */
export function machineOpen(userAgent: string | null, ip: string | null): MachineOpen | null {
  const ua = (userAgent ?? '').trim();
  if (/GoogleImageProxy|via ggpht\.com/i.test(ua)) return 'google-proxy';
  if (ua === 'Mozilla/5.0') return 'apple-mpp';
  if (isAppleNetwork(ip) && !BROWSER_TOKENS.test(ua)) return 'apple-mpp';
  return null;
}

/** 17.0.0.0/8 belongs to Apple; also as an IPv4-mapped IPv6 address. */
export function isAppleNetwork(ip: string | null): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return isIPv4(v4) && v4.split('.')[0] === '17';
}

/** Why a click is not a person's. */
export type ScannerClick = 'head' | 'on-delivery' | 'burst';

/** A person needs longer than this after delivery to open a mail and click. */
export const ON_DELIVERY_MS = 10_000;
/** Two different links of one message clicked within this span: a scanner following every link. */
export const BURST_MS = 2_000;

/** The rules that look at one click alone: a HEAD request, or a click within seconds of delivery. */
export function scannerClick(method: string, at: Date, sentAt: Date | null): ScannerClick | null {
  if (method.toUpperCase() === 'HEAD') return 'head';
  if (sentAt && at.getTime() - sentAt.getTime() < ON_DELIVERY_MS) return 'on-delivery';
  return null;
}

export interface TimedClick {
  messageId: string;
  url: string;
  at: Date;
}

/**
 * The clicks that belong to a burst: another link of the same message clicked within BURST_MS
 * (before or after). A person follows one link at a time; a scanner fetches them all at once.
 */
export function burstClicks<T extends TimedClick>(clicks: T[]): Set<T> {
  const found = new Set<T>();
  const byMessage = new Map<string, T[]>();
  for (const c of clicks) byMessage.set(c.messageId, [...(byMessage.get(c.messageId) ?? []), c]);
  for (const list of byMessage.values()) {
    list.sort((a, b) => a.at.getTime() - b.at.getTime());
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length && list[j].at.getTime() - list[i].at.getTime() < BURST_MS; j++) {
        if (list[j].url !== list[i].url) {
          found.add(list[i]);
          found.add(list[j]);
        }
      }
    }
  }
  return found;
}
