import { performance } from 'node:perf_hooks';
import { checkPassword, hashPassword } from './password';

/** Made by bcryptjs 3.0.3 (the library before the native one), cost 11, as stored by earlier versions. */
const BCRYPTJS_2B = '$2b$11$GTRbLfxw/UOpmmFpqBiTn.UEjXBikCFIt9Bgf.4Ue7/EYRzTILRMO';
/** The same password, bcryptjs with a `$2a$` salt (what bcryptjs 2 wrote), cost 4. */
const BCRYPTJS_2A = '$2a$04$PbhfohlcWd0SAvhZmwvkY.PpZEfMfDIXrff686yvetlw0YBXbzKn6';
const PASSWORD = 'correct horse battery';

describe('passwords', () => {
  it('checks the hashes bcryptjs stored before, $2b$ and $2a$', async () => {
    expect(await checkPassword(PASSWORD, BCRYPTJS_2B)).toBe(true);
    expect(await checkPassword(PASSWORD, BCRYPTJS_2A)).toBe(true);
    expect(await checkPassword('correct horse batterY', BCRYPTJS_2B)).toBe(false);
  });

  it('makes bcrypt hashes of cost 11 that check, and nothing matches an unknown account', async () => {
    const hash = await hashPassword(PASSWORD);
    expect(hash).toMatch(/^\$2b\$11\$[./A-Za-z0-9]{53}$/);
    expect(await checkPassword(PASSWORD, hash)).toBe(true);
    expect(await checkPassword('another password', hash)).toBe(false);
    expect(await checkPassword(PASSWORD, undefined)).toBe(false);
  });

  it('never matches a password longer than 72 bytes, even when its first 72 would', async () => {
    const long = 'x'.repeat(72);
    const hash = await hashPassword(long);
    expect(await checkPassword(long, hash)).toBe(true);
    expect(await checkPassword(`${long}y`, hash)).toBe(false);
    expect(() => hashPassword(`${long}y`)).toThrow(/at most 72 bytes/);
  });

  it('leaves the event loop free while passwords are checked (the work runs off the main thread)', async () => {
    const before = performance.eventLoopUtilization();
    const results = await Promise.all(Array.from({ length: 4 }, () => checkPassword('wrong password', BCRYPTJS_2B)));
    const { utilization } = performance.eventLoopUtilization(before);
    expect(results).toEqual([false, false, false, false]);
    // bcrypt in JavaScript kept the loop busy the whole time (utilization near 1); waiting on the pool, it idles.
    expect(utilization).toBeLessThan(0.5);
  });
});
