import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/config-error';
import { RAW_BOUNCE_LIMIT } from './raw-body';
import { VerpBounces } from './verp-bounces';

/** An SMTP answer of ours: smtp-server sends `responseCode` and the message. */
const answer = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/**
 * How many clients the listener serves at once; one more is answered 421 (try again later), which a sending MTA
 * takes as a deferral. Each client may hold a message of up to RAW_BOUNCE_LIMIT in memory (10 MB, so 200 MB at
 * most), and bounces arrive a few at a time from a few MTAs: a flood of connections is not a bounce, it is not let
 * take the process's memory or its database connections.
 */
export const BOUNCE_LISTENER_MAX_CLIENTS = 20;

/**
 * The service's own SMTP server for bounce mail (BOUNCE_SMTP_PORT): the MX, or a relay route, of BOUNCE_DOMAIN
 * points here (README, Bounces). It takes mail only for valid VERP addresses, reads each message as a bounce
 * and answers 250 only once the database recorded it, so a crash loses nothing (the sending MTA tries again).
 * Every process with the port configured listens (web or worker): on one machine set it for one process only.
 */
@Injectable()
export class BounceListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BounceListener.name);
  private server?: SMTPServer;
  /** the port listened on (BOUNCE_SMTP_PORT, or the one the system gave for 0) */
  port?: number;

  constructor(
    private readonly config: AppConfig,
    private readonly intake: VerpBounces,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.bounceSmtpPort === undefined) return;
    const server = new SMTPServer({
      name: this.config.bounceDomain,
      banner: 'bounce listener',
      // Bounces come from other MTAs, unauthenticated; nothing here is secret, and VERP tokens are signed.
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      size: RAW_BOUNCE_LIMIT,
      maxClients: BOUNCE_LISTENER_MAX_CLIENTS,
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.intake.messageOf(address.address)) return callback();
        callback(answer(550, `5.1.1 <${address.address.slice(0, 200)}>: no such bounce address`));
      },
      onData: (stream, session, callback) => {
        this.read(stream, session).then(
          () => callback(),
          (err: Error & { responseCode?: number }) => {
            if (!err.responseCode) this.logger.error(`bounce not recorded: ${err.message}`, err.stack);
            callback(err.responseCode ? err : answer(451, '4.3.0 Temporary failure, try again later'));
          },
        );
      },
    });
    // A client that drops its connection is reported as an 'error' event, which would throw if nobody listened.
    server.on('error', (err) => this.logger.warn(`bounce listener: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new ConfigError('BOUNCE_SMTP_PORT', `${this.config.bounceSmtpPort} is already in use by another program`)
            : err,
        );
      server.server.once('error', failed);
      server.listen(this.config.bounceSmtpPort, () => {
        server.server.off('error', failed);
        resolve();
      });
    });
    this.server = server;
    const bound = server.server.address();
    this.port = typeof bound === 'object' && bound ? bound.port : this.config.bounceSmtpPort;
    this.logger.log(`Bounce listener on port ${this.port} for ${this.config.bounceDomain}`);
  }

  /** How many clients are connected now. */
  get connectedClients(): number {
    return this.server?.connections.size ?? 0;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async read(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped: the client gets its answer after the whole message.
    for await (const chunk of stream)
      if ((size += (chunk as Buffer).length) <= RAW_BOUNCE_LIMIT) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded || size > RAW_BOUNCE_LIMIT)
      throw answer(552, `5.3.4 Message too big for this server (over ${RAW_BOUNCE_LIMIT} bytes)`);
    const raw = Buffer.concat(chunks);
    // Each recipient is a VERP address (onRcptTo let no other in); a bounce names one message, seldom more.
    const ids = new Set(session.envelope.rcptTo.map((r) => this.intake.messageOf(r.address)));
    for (const id of ids) {
      const result = await this.intake.receive(raw, id);
      if (result.kind === 'unreadable') throw answer(554, `5.6.0 This bounce cannot be read: ${result.why}`);
    }
  }
}
