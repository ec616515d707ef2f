import { EventBuffer } from './event-buffer';

describe('EventBuffer', () => {
  const HOUR = 3_600_000;

  function collecting(options: { maxBatch: number; flushMs: number; maxPending?: number }, fail = () => false) {
    const batches: number[][] = [];
    const errors: unknown[] = [];
    const buffer = new EventBuffer<number>(
      (batch) => {
        if (fail()) return Promise.reject(new Error('database away'));
        batches.push(batch);
        return Promise.resolve();
      },
      { maxPending: 1000, ...options },
      (err) => errors.push(err),
    );
    return { buffer, batches, errors };
  }

  it('writes a full batch without waiting for the timer, one batch at a time, in order', async () => {
    const { buffer, batches } = collecting({ maxBatch: 3, flushMs: HOUR });
    for (let i = 1; i <= 7; i++) buffer.push(i);
    expect(buffer.pending).toBe(1);
    await buffer.flush();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('writes what waits after flushMs', async () => {
    const { buffer, batches } = collecting({ maxBatch: 100, flushMs: 5 });
    buffer.push(1);
    buffer.push(2);
    while (!batches.length) await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([[1, 2]]);
  });

  it('flush() drains everything at once (shutdown), even with the timer an hour away', async () => {
    const { buffer, batches } = collecting({ maxBatch: 100, flushMs: HOUR });
    buffer.push(1);
    await buffer.flush();
    expect(batches).toEqual([[1]]);
    expect(buffer.pending).toBe(0);
  });

  it('keeps a batch that failed and writes it with the next flush', async () => {
    let down = true;
    const { buffer, batches, errors } = collecting({ maxBatch: 100, flushMs: HOUR }, () => down);
    buffer.push(1);
    await buffer.flush();
    expect(errors).toHaveLength(1);
    expect(buffer.pending).toBe(1);
    down = false;
    buffer.push(2);
    await buffer.flush();
    expect(batches).toEqual([[1, 2]]);
  });

  it('drops the oldest items beyond maxPending while the database is away', async () => {
    const { buffer } = collecting({ maxBatch: 100, flushMs: HOUR, maxPending: 3 }, () => true);
    for (let i = 0; i < 5; i++) buffer.push(i);
    await buffer.flush();
    expect(buffer.pending).toBe(3);
  });
});
