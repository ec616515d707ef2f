import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/**
 * How long a spawned service may take to start. Each one compiles the service from source (ts-node), which
 * takes seconds on an idle machine and well over a minute when two suites run at once on two cores.
 */
export const START_TIMEOUT_MS = 180_000;
/** A jest timeout for a test that starts service processes (a start or two, plus the test's own work). */
export const PROCESS_TEST_TIMEOUT_MS = 2 * START_TIMEOUT_MS + 60_000;

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

  /**
   * Resolves when `match` appears on stdout; fails if the process ends first or after `timeoutMs`. A process
   * compiles the whole service as it starts (ts-node): on a busy machine that takes a minute or more.
   */
  async waitForOutput(match: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<void> {
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
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 60_000): Promise<Finished> {
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

/** Polls /health until it answers 200 (the service is up); fails when the process ends first or after `timeoutMs`. */
export async function waitUntilHealthy(
  proc: ServiceProcess,
  baseUrl: string,
  timeoutMs = START_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`the service ended:\n${proc.stdout}\n${proc.stderr}`);
    const status = await fetch(`${baseUrl}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`not healthy after ${timeoutMs} ms:\n${proc.stdout}\n${proc.stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
