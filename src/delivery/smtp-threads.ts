import { availableParallelism } from 'node:os';
import { AppConfig } from '../config/app-config';
import type { CampaignRenderJob } from './campaign-render-job';
import type { PoolOptions, SentMail, TransportMail } from './mail-transport.service';
import { SmtpThread } from './smtp-thread';

/** Threads of the campaign pool: one per core, at most this many (each is a V8 heap of its own). */
const MOST_THREADS = 2;

/**
 * The campaign pool spread over one SMTP thread per core (at most MOST_THREADS), the connections shared out
 * between them: encoding and writing a message is most of a campaign's CPU, and one thread is one core at most.
 * Each message goes to the thread with the fewest messages in hand.
 */
export class SmtpThreads {
  private readonly threads: Array<{ thread: SmtpThread; inHand: number }>;

  constructor(config: AppConfig, pool: PoolOptions & { maxConnections: number }) {
    const count = Math.max(1, Math.min(MOST_THREADS, availableParallelism(), pool.maxConnections));
    this.threads = Array.from({ length: count }, (_, i) => ({
      // The connections shared out: 10 over 2 threads is 5 and 5, 5 over 2 is 3 and 2.
      thread: new SmtpThread(config, {
        ...pool,
        maxConnections: Math.ceil((pool.maxConnections - i) / count),
      }),
      inHand: 0,
    }));
  }

  send(message: TransportMail): Promise<SentMail> {
    return this.onLeastBusy((thread) => thread.send(message));
  }

  sendCampaign(job: CampaignRenderJob): Promise<SentMail> {
    return this.onLeastBusy((thread) => thread.sendCampaign(job));
  }

  private async onLeastBusy(send: (thread: SmtpThread) => Promise<SentMail>): Promise<SentMail> {
    const least = this.threads.reduce((a, b) => (b.inHand < a.inHand ? b : a));
    least.inHand++;
    try {
      return await send(least.thread);
    } finally {
      least.inHand--;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.thread.close()));
  }
}
