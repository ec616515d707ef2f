import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error';

/**
 * With no REDIS_URL the service runs its own redis-server from PATH, listening on a unix socket
 * under dataDir/redis (append-only file on), and stops it on exit. A second process of the
 * service on the same data directory (npm run start:worker) finds the socket alive and shares it.
 */
export class PrivateRedis {
  private child?: ChildProcess;

  constructor(private readonly dir: string) {}

  get socketPath(): string {
    return join(this.dir, 'redis.sock');
  }

  async start(): Promise<void> {
    if (await pingSocket(this.socketPath)) return;
    if (spawnSync('redis-server', ['--version']).error) {
      throw new ConfigError(
        'REDIS_URL',
        'is not set and no redis-server is on PATH: install Redis (apt-get install redis-server, brew install redis) or set REDIS_URL=redis://host:6379',
      );
    }
    mkdirSync(this.dir, { recursive: true });
    this.child = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--unixsocket',
        this.socketPath,
        '--unixsocketperm',
        '700',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--save',
        '',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => this.child!.once('exit', resolve));
    for (let i = 0; i < 100; i++) {
      if (await pingSocket(this.socketPath)) return;
      const code = await Promise.race([exited, delay(50).then(() => undefined)]);
      if (code !== undefined)
        throw new ConfigError('REDIS_URL', `is not set and the private redis-server exited with code ${code}`);
    }
    throw new ConfigError('REDIS_URL', 'is not set and the private redis-server did not start within 5 seconds');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timeout);
    this.child = undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pingSocket(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
