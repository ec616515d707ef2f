import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { freePort } from './free-port';

/**
 * A redis-server of a test's own (from PATH, no persistence), for faults that must not touch the Redis other
 * suites share: FLUSHALL on this one loses only this test's keys.
 */
export class PrivateRedisServer {
  port = 0;
  private child?: ChildProcess;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`redis-server exited with code ${this.child.exitCode}`);
      if (await this.ping()) return this;
      if (Date.now() > deadline) throw new Error('redis-server did not answer within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Every key of every database gone, as an operator's mistake or a failover to an empty replica would do. */
  async flushAll(): Promise<void> {
    await this.command((c) => c.flushall());
  }

  /** How many keys the server holds. */
  dbSize(): Promise<number> {
    return this.command((c) => c.dbsize());
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private async ping(): Promise<boolean> {
    return this.command((c) => c.ping()).then(
      (r) => r === 'PONG',
      () => false,
    );
  }

  private async command<T>(run: (c: Redis) => Promise<T>): Promise<T> {
    const client = new Redis(this.port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      return await run(client);
    } finally {
      client.disconnect();
    }
  }
}
