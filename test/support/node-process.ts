import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A process of the service as `node dist/<entry>` would run it, but straight from the TypeScript
 * source (ts-node, transpile only), so no build is needed. `env` replaces the environment; an
 * undefined value removes a variable.
 */
export class ServiceProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly finished: Promise<Finished>;

  /** `input`, when given, is written to the process's stdin, which is then closed. */
  constructor(entry: 'main' | 'cli', args: string[], env: Record<string, string | undefined>, input?: string) {
    this.child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', `${entry}.ts`), ...args],
      {
        cwd: ROOT,
        env: { TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      },
    );
    if (input !== undefined) this.child.stdin!.end(input);
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.finished = new Promise((done) =>
      this.child.once('close', (code, signal) => done({ code, signal, stdout: this.stdout, stderr: this.stderr })),
    );
  }

  /** Resolves when `match` appears on stdout; fails if the process ends first or after `timeoutMs`. */
  async waitForOutput(match: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.finished.then(() => (ended = true));
    while (!match.test(this.stdout)) {
      if (ended) throw new Error(`process ended before printing ${match}:\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${match} after ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` and waits for the end; kills the process if it has not ended after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<Finished> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.finished;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs a command to its end. */
export function runService(
  entry: 'main' | 'cli',
  args: string[],
  env: Record<string, string | undefined>,
  input?: string,
): Promise<Finished> {
  return new ServiceProcess(entry, args, env, input).finished;
}

/** The environment of this test process less the variables the service reads, plus `env`. */
export function serviceEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const base = { ...process.env };
  for (const name of [
    'DATABASE_URL',
    'REDIS_URL',
    'SMTP_URL',
    'PORT',
    'PUBLIC_URL',
    'DATA_DIR',
    'APP_SECRET',
    'ADMIN_EMAIL',
    'ADMIN_PASSWORD',
    'NODE_ENV',
  ]) {
    delete base[name];
  }
  return { ...base, LOG_LEVEL: 'silent', ...env };
}

/** Whether a process runs (a zombie waiting to be reaped does not count). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}
