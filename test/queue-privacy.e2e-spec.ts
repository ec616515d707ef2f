import { getQueueToken } from '@nestjs/bull';
import { JobOptions, Queue } from 'bull';
import { createHash } from 'node:crypto';
import { JobName, QueueName } from '../src/queues/queues';
import { TokenService } from '../src/tokens/token.service';
import { makeSubscriber, uniqueTag } from './support/factories';
import { until } from './support/browser';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const DAY = 24 * 3600;

/** Everything Redis holds under one queue's keys (job hashes, id lists and sets, key names), as text. */
async function redisTextOf(queue: Queue): Promise<string> {
  const keys = await queue.client.keys(queue.toKey('*'));
  const parts: string[] = [];
  for (const key of keys) {
    parts.push(key);
    const type = await queue.client.type(key);
    if (type === 'hash') parts.push(JSON.stringify(await queue.client.hgetall(key)));
    else if (type === 'list') parts.push(JSON.stringify(await queue.client.lrange(key, 0, -1)));
    else if (type === 'zset') parts.push(JSON.stringify(await queue.client.zrange(key, 0, -1)));
    else if (type === 'set') parts.push(JSON.stringify(await queue.client.smembers(key)));
    else if (type === 'string') parts.push(String(await queue.client.get(key)));
  }
  return parts.join('\n');
}

describe('Jobs carry ids, never addresses, and do not stay in Redis for ever (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const queueOf = (name: QueueName) => t.app.get<Queue>(getQueueToken(name));

  it('a preferences-link request queues a job holding the subscriber id only; an unknown address one with no id', async () => {
    const known = await makeSubscriber(t, { email: `Known.Person-${uniqueTag()}@Example.com` });
    const unknown = `nobody-${uniqueTag()}@example.com`;
    await t.http().post('/api/public/preferences-link').send({ email: known.email }).expect(202);
    await t.http().post('/api/public/preferences-link').send({ email: unknown }).expect(202);
    await sink.waitFor((m) => m.to.some((to) => to.toLowerCase() === known.email.toLowerCase()));

    const systemMail = queueOf(QueueName.SystemMail);
    const jobs = await systemMail.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
    const links = jobs.filter((j) => j?.name === JobName.SendPreferencesLink);
    expect(
      links.map((j) => j.data).sort((a, b) => String(a.subscriberId).localeCompare(String(b.subscriberId))),
    ).toEqual(
      [{ subscriberId: known.id }, { subscriberId: null }].sort((a, b) =>
        String(a.subscriberId).localeCompare(String(b.subscriberId)),
      ),
    );
    // Nothing in Redis names either address, as typed, as a key or as the hash that used to make the job id.
    for (const queue of Object.values(QueueName).map(queueOf)) {
      const text = (await redisTextOf(queue)).toLowerCase();
      for (const email of [known.email, unknown]) {
        expect(text).not.toContain(email.toLowerCase());
        expect(text).not.toContain(createHash('sha256').update(email.toLowerCase()).digest('hex'));
      }
    }
  });

  it('every queue drops completed jobs after a day and failed ones after a week, the jobs queued with their own options too', async () => {
    for (const name of Object.values(QueueName)) {
      // Bull keeps the queue's defaults on the instance; its typings do not declare them.
      const defaults = (queueOf(name) as Queue & { defaultJobOptions?: JobOptions }).defaultJobOptions;
      expect([name, defaults]).toEqual([
        name,
        expect.objectContaining({ removeOnComplete: { age: DAY }, removeOnFail: { age: 7 * DAY } }),
      ]);
    }
    // A preferences link ends as a transactional job (the delivery options): both kinds, as stored in Redis.
    const person = await makeSubscriber(t);
    await t.http().post('/api/public/preferences-link').send({ email: person.email }).expect(202);
    await sink.waitFor((m) => m.to.includes(person.email));
    const stored = await until(async () => {
      const jobs = [
        ...(await queueOf(QueueName.SystemMail).getJobs(['completed'])),
        ...(await queueOf(QueueName.Transactional).getJobs(['completed'])),
      ].filter((j) => j && (j.name !== JobName.SendPreferencesLink || j.data.subscriberId === person.id));
      return (
        jobs.some((j) => j.name === JobName.SendMessage) &&
        jobs.some((j) => j.name === JobName.SendPreferencesLink) &&
        jobs
      );
    }, 'the finished jobs');
    for (const job of stored) {
      expect([job.name, job.opts.removeOnComplete, job.opts.removeOnFail]).toEqual([
        job.name,
        { age: DAY },
        { age: 7 * DAY },
      ]);
    }
  });

  it("erasure takes the person's transactional jobs out of Redis, where a failed attempt keeps the SMTP answer naming the address", async () => {
    const person = await makeSubscriber(t, { email: `full-${uniqueTag()}@example.com` });
    sink.reject = (rcpt) =>
      rcpt === person.email ? { code: 452, message: `4.2.2 <${rcpt}>: mailbox full` } : undefined;
    try {
      await t.http().post('/api/public/preferences-link').send({ email: person.email }).expect(202);
      const transactional = queueOf(QueueName.Transactional);
      await until(
        async () => (await redisTextOf(transactional)).includes(`<${person.email}>: mailbox full`),
        'the refused attempt to be kept in Redis',
      );
      const token = t.app.get(TokenService).sign('preferences', { s: person.id }, 3600);
      await t.http().post(`/p/${token}/erase`).type('form').send({}).expect(200);
      expect(await redisTextOf(transactional)).not.toContain(person.email);
    } finally {
      sink.reject = undefined;
    }
  });
});
