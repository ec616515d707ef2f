import { isIP } from 'node:net';
import { ConfigError } from './config-error';

/** Express's names for the private ranges a proxy in the same network may use. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: a comma-separated list of the reverse proxies in front of the service, as addresses
 * (`10.0.0.5`), CIDR ranges (`10.0.0.0/8`, `fd00::/8`) or Express's names `loopback`, `linklocal`,
 * `uniquelocal`. Only a request arriving from one of them has its X-Forwarded-For believed; unset, none is,
 * so a client cannot choose the address that sign-in limits, consent records and tracking see.
 */
export function parseTrustProxy(value: string | undefined): string[] {
  if (value === undefined) return [];
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!isProxyEntry(entry)) {
      throw new ConfigError(
        'TRUST_PROXY',
        `"${entry}" is not an IP address, a CIDR range or one of ${NAMED_RANGES.join(', ')}`,
      );
    }
  }
  return entries;
}

function isProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
