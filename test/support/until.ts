/**
 * Waits for a condition rather than for a fixed time: calls `probe` until it answers something truthy and
 * returns that, or fails naming `what` after `timeoutMs`. The default deadline is generous because the suite
 * must pass on a busy machine (two `npm test` at once): a deadline is only there to end a test that hangs.
 */
export async function until<T>(
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
