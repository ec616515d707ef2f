import Bull from 'bull';

/**
 * Bull names a queue's blocking connection (CLIENT SETNAME) each time a handler is registered, and leaves the
 * promise of that command without a handler. The command waits behind the connection's blocking BRPOPLPUSH
 * (up to the drain delay), so a service that closes within seconds of its boot rejects it with "Connection is
 * closed." and Node reports an unhandled rejection. The name only labels the connection in CLIENT LIST; here
 * a failure to set it is ignored, so the close stays quiet.
 */
export function ignoreWorkerNameFailures(): void {
  const prototype = Bull.prototype as unknown as {
    setWorkerName(this: Bull.Queue): Promise<unknown>;
    workerNameGuarded?: boolean;
  };
  if (prototype.workerNameGuarded) return;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with each queue as `this`
  const setWorkerName = prototype.setWorkerName;
  prototype.setWorkerName = function (this: Bull.Queue) {
    return setWorkerName.call(this).catch(() => undefined);
  };
  prototype.workerNameGuarded = true;
}
