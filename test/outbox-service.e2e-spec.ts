import { getQueueToken } from '@nestjs/bull';
import { Job, Queue } from 'bull';
import { DataSource } from 'typeorm';
import { MailComposers } from '../src/delivery/mail-composers';
import { MessageEvent } from '../src/delivery/message-event.entity';
import { Message } from '../src/delivery/message.entity';
import { OutboxProcessor } from '../src/delivery/outbox.processor';
import { messageIdFor, OutboxMail, OutboxService } from '../src/delivery/outbox.service';
import { SuppressionService } from '../src/delivery/suppression.service';
import { JobName, JobOf, QueueName } from '../src/queues/queues';
import { uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

type SendJob = Job<JobOf<typeof JobName.SendMessage>>;

/**
 * Service-level ("medium") tests of the outbox: OutboxService and OutboxProcessor called directly, on the real
 * database (SQLite or PostgreSQL) and Redis, with a real SMTP server; a failure here names the class that broke.
 */
describe('OutboxService and OutboxProcessor (medium: real database, Redis and SMTP)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let outbox: OutboxService;
  let processor: OutboxProcessor;
  let db: DataSource;
  let queue: Queue<JobOf<typeof JobName.SendMessage>>;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    outbox = t.app.get(OutboxService);
    processor = t.app.get(OutboxProcessor);
    db = t.app.get(DataSource);
    queue = t.app.get(getQueueToken(QueueName.Transactional));
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const mailTo = (email: string, extra: Partial<OutboxMail> = {}): OutboxMail => ({
    kind: 'transactional',
    to: { email, name: 'Medium Test' },
    template: 'preferences-link',
    data: { subscriber: { email }, preferencesUrl: 'https://x.example/p', validDays: 7 },
    ...extra,
  });
  /** A message written but not queued, so that only the test's own call of the processor sends it. */
  const written = (mail: OutboxMail) => db.transaction((m) => outbox.create(m, mail));
  const jobFor = (messageId: string, attemptsMade = 0): SendJob =>
    ({ data: { messageId }, attemptsMade, opts: { attempts: 14 } }) as unknown as SendJob;
  const rowOf = (id: string) => db.getRepository(Message).findOneByOrFail({ id });
  const eventsOf = async (id: string) =>
    (await db.getRepository(MessageEvent).find({ where: { messageId: id }, order: { at: 'ASC' } })).map((e) => e.type);

  describe('OutboxService', () => {
    it('writes the row of its kind and stream with a queued event, and queues a job named by the message id that holds only that id', async () => {
      const email = `row-${uniqueTag()}@example.com`;
      const id = await outbox.send(mailTo(email, { kind: 'confirmation', template: 'subscription-confirm' }));
      expect(await rowOf(id)).toMatchObject({
        stream: 'transactional',
        kind: 'confirmation',
        toEmail: email,
        toName: 'Medium Test',
        status: expect.any(String),
      });
      expect((await eventsOf(id))[0]).toBe('queued');
      const job = await queue.getJob(id);
      expect(job?.name).toBe(JobName.SendMessage);
      expect(job?.data).toEqual({ messageId: id });
      expect(job?.opts).toMatchObject({ attempts: 14, backoff: { type: 'capped-exponential' } });
    });

    it('a test send is campaign-stream mail', async () => {
      const id = await outbox.send(
        mailTo(`test-${uniqueTag()}@example.com`, {
          kind: 'test',
          template: 'campaign',
          data: { campaignId: '00000000-0000-4000-8000-000000000000' },
        }),
      );
      expect(await rowOf(id)).toMatchObject({ stream: 'campaign', kind: 'test', campaignId: null });
    });

    it('the same fixed id sent twice (a retried job) is one message and one job', async () => {
      const key = `job-${uniqueTag()}`;
      const email = `twice-${uniqueTag()}@example.com`;
      const [a, b] = [
        await outbox.send(mailTo(email, { id: messageIdFor(key) })),
        await outbox.send(mailTo(email, { id: messageIdFor(key) })),
      ];
      expect(a).toBe(b);
      expect(a).toBe(messageIdFor(key));
      expect(await db.getRepository(Message).countBy({ toEmail: email })).toBe(1);
      expect((await eventsOf(a)).filter((e) => e === 'queued')).toHaveLength(1);
    });

    it("create() writes in the caller's transaction: rolled back, nothing is left", async () => {
      const email = `rollback-${uniqueTag()}@example.com`;
      await expect(
        db.transaction(async (m) => {
          await outbox.create(m, mailTo(email));
          throw new Error('the caller fails after writing');
        }),
      ).rejects.toThrow('the caller fails');
      expect(await db.getRepository(Message).countBy({ toEmail: email })).toBe(0);
    });

    it('messageIdFor answers a UUID, the same for the same key and another for another', () => {
      expect(messageIdFor('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(messageIdFor('a')).toBe(messageIdFor('a'));
      expect(messageIdFor('a')).not.toBe(messageIdFor('b'));
    });
  });

  describe('OutboxProcessor', () => {
    it('sends a message with its composer and marks it sent', async () => {
      const email = `sent-${uniqueTag()}@example.com`;
      const id = await written(mailTo(email));
      await expect(processor.send(jobFor(id))).resolves.toBe('sent');
      expect(await rowOf(id)).toMatchObject({ status: 'sent', attempts: 1 });
      expect(await eventsOf(id)).toEqual(['queued', 'sent']);
      await sink.waitFor((m) => m.to.includes(email), 1);
      // Done is done: the same job again sends nothing.
      await expect(processor.send(jobFor(id))).resolves.toBe('skipped');
    });

    it('a 4xx is deferred (back to queued, thrown for Bull to retry), and failed on the last attempt', async () => {
      const email = `later-${uniqueTag()}@example.com`;
      sink.reject = (rcpt) => (rcpt === email ? { code: 452, message: '4.2.2 mailbox full' } : undefined);
      try {
        const id = await written(mailTo(email));
        await expect(processor.send(jobFor(id))).rejects.toThrow();
        expect(await rowOf(id)).toMatchObject({ status: 'queued', attempts: 1 });
        await expect(processor.send(jobFor(id, 13))).resolves.toBe('failed');
        expect(await rowOf(id)).toMatchObject({ status: 'failed', attempts: 2 });
        expect(await eventsOf(id)).toEqual(['queued', 'deferred', 'failed']);
      } finally {
        sink.reject = undefined;
      }
    });

    it('a 5xx hard bounce is final for any kind, and suppresses the address for campaigns', async () => {
      const email = `gone-${uniqueTag()}@example.com`;
      sink.reject = (rcpt) => (rcpt === email ? { code: 550, message: '5.1.1 user unknown' } : undefined);
      try {
        const id = await written(mailTo(email, { kind: 'preferences-link' }));
        await expect(processor.send(jobFor(id))).resolves.toBe('bounced');
        expect(await eventsOf(id)).toEqual(['queued', 'bounced']);
        expect(await t.app.get(SuppressionService).isSuppressed(email)).toBe(true);
      } finally {
        sink.reject = undefined;
      }
    });

    it('what a composer says cannot or need not be sent ends as failed or skipped, without SMTP', async () => {
      const composers = t.app.get(MailComposers);
      const real = composers.of('test');
      const email = `composer-${uniqueTag()}@example.com`;
      try {
        composers.register(['test'], {
          compose: () => Promise.resolve({ failed: 'cannot render: data.x is required' }),
        });
        const failed = await written(mailTo(email, { kind: 'test' }));
        await expect(processor.send(jobFor(failed))).resolves.toBe('failed');
        composers.register(['test'], { compose: () => Promise.resolve({ skipped: 'the campaign was deleted' }) });
        const skipped = await written(mailTo(email, { kind: 'test' }));
        await expect(processor.send(jobFor(skipped))).resolves.toBe('skipped');
        expect([await eventsOf(failed), await eventsOf(skipped)]).toEqual([
          ['queued', 'failed'],
          ['queued', 'skipped'],
        ]);
        expect(sink.received.filter((m) => m.to.includes(email))).toEqual([]);
      } finally {
        composers.register(['test'], real);
      }
    });

    it('a test send whose campaign is gone is skipped by the real composer', async () => {
      const id = await written(
        mailTo(`orphan-${uniqueTag()}@example.com`, {
          kind: 'test',
          template: 'campaign',
          data: { campaignId: '00000000-0000-4000-8000-000000000000' },
        }),
      );
      await expect(processor.send(jobFor(id))).resolves.toBe('skipped');
    });
  });
});
