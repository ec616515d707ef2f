import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from './free-port';
import { until } from './until';

/** Where Debian puts it (sbin is not on every user's PATH). */
const DOVECOT = '/usr/sbin/dovecot';

/**
 * A real IMAP server for tests: Debian's dovecot (dovecot-imapd), started in the foreground as the current user
 * with a private configuration (one passwd-file user, plaintext login, maildir in a temporary directory) on a
 * free port of 127.0.0.1.
 */
export class ImapServer {
  readonly user = 'bounces';
  readonly password = 'bounce-box-secret';
  port = 0;
  private dir = '';
  private proc?: ChildProcess;

  /** `imap://user:pass@127.0.0.1:port/INBOX`, as BOUNCE_IMAP_URL takes it. */
  get url(): string {
    return `imap://${this.user}:${this.password}@127.0.0.1:${this.port}/INBOX`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    this.dir = mkdtempSync(join(tmpdir(), 'mc-imap-'));
    const { username, uid, gid } = userInfo();
    const group = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((line) => line.split(':')[2] === String(gid))
      ?.split(':')[0];
    for (const sub of ['run', 'state', 'mail', 'home']) mkdirSync(join(this.dir, sub));
    // Dovecot's login processes never run as root: as root (CI's containers) they run as the package's users,
    // which must reach the sockets under base_dir.
    const root = uid === 0;
    // Nor is root a mail user: as root, the mailbox belongs to the package's dovecot user.
    const owner = root ? systemUser('dovecot') : { uid, gid };
    if (root) {
      chmodSync(this.dir, 0o755);
      for (const sub of ['mail', 'home']) chownSync(join(this.dir, sub), owner.uid, owner.gid);
    }
    writeFileSync(
      join(this.dir, 'passwd'),
      `${this.user}:{PLAIN}${this.password}:${owner.uid}:${owner.gid}::${join(this.dir, 'home')}::\n`,
    );
    const conf = join(this.dir, 'dovecot.conf');
    writeFileSync(
      conf,
      `base_dir = ${join(this.dir, 'run')}
state_dir = ${join(this.dir, 'state')}
instance_name = mc-imap-${this.port}
log_path = ${join(this.dir, 'dovecot.log')}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${root ? 'dovecot' : username}
default_internal_group = ${root ? 'dovecot' : (group ?? username)}
default_login_user = ${root ? 'dovenull' : username}
first_valid_uid = ${Math.min(owner.uid, 500)}
first_valid_gid = ${Math.min(owner.gid, 500)}
mail_location = maildir:${join(this.dir, 'mail')}/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${join(this.dir, 'passwd')}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${join(this.dir, 'passwd')}
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
    );
    this.proc = spawn(existsSync(DOVECOT) ? DOVECOT : 'dovecot', ['-F', '-c', conf], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    this.proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await until(
      async () => {
        if (this.proc?.exitCode !== null) throw new Error(`dovecot exited: ${stderr}${this.log()}`);
        return canConnect(this.port);
      },
      'dovecot to listen',
      20_000,
      50,
    );
    return this;
  }

  /** Appends a raw message to `folder` as a delivering MTA would have put it there (unseen). */
  async append(raw: string | Buffer, folder = 'INBOX'): Promise<void> {
    await this.withClient((client) => client.append(folder, raw));
  }

  /** UIDs in `folder` (missing folder: none), and how many of them are unseen. */
  async count(folder: string): Promise<{ total: number; unseen: number }> {
    return this.withClient(async (client) => {
      const list = await client.list();
      if (!list.some((m) => m.path === folder)) return { total: 0, unseen: 0 };
      const status = await client.status(folder, { messages: true, unseen: true });
      return status ? { total: status.messages ?? 0, unseen: status.unseen ?? 0 } : { total: 0, unseen: 0 };
    });
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (proc && proc.exitCode === null) {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private log(): string {
    try {
      return readFileSync(join(this.dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  }

  private async withClient<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: this.port,
      secure: false,
      auth: { user: this.user, pass: this.password },
      logger: false,
    });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.logout();
    }
  }
}

function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no user ${name}: is dovecot-imapd installed?`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
