import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { ApiTags } from '@nestjs/swagger';
import { Queue } from 'bull';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { DatabaseHealth } from '../database/database-health';
import { QueueName } from '../queues/queues';

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly db: DatabaseHealth,
    @InjectQueue(QueueName.SystemMail) private readonly queue: Queue,
  ) {}

  /** 200 {status: "ok", db: "up", redis: "up"}; 503 when either is down. */
  @Public()
  @Get('health')
  async health(@Res() res: Response) {
    const [db, redis] = await Promise.all([
      probe(() => this.db.ping()),
      probe(async () => {
        const client = this.queue.client;
        if ((await client.ping()) !== 'PONG') throw new Error('no PONG');
      }),
    ]);
    const ok = db && redis;
    res
      .status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status: ok ? 'ok' : 'error', db: db ? 'up' : 'down', redis: redis ? 'up' : 'down' });
  }
}

async function probe(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS))),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
