import { ConsentRepository } from '../src/preferences/consent.repository';
import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { Message } from '../src/delivery/message.entity';
import { Import } from '../src/imports/import.entity';
import { ImportRunner } from '../src/imports/import-runner';
import { ImportsService } from '../src/imports/imports.service';
import { MailingList } from '../src/lists/list.entity';
import { QueueName } from '../src/queues/queues';
import { emailKeyOf, Subscriber } from '../src/subscribers/subscriber.entity';
import { makeList, makeSubscriber, membershipsOf, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const TOKEN = '[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+';

/** Issue 15: an import into a double opt-in list either mails confirmations or records that consent is held. */
describe('imports into double opt-in lists (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  let db: DataSource;
  let double: MailingList;
  let single: MailingList;
  const auth = () => ({ Authorization: `Bearer ${editor}` });

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    editor = await t.tokenFor('editor');
    db = t.app.get(DataSource);
    double = await makeList(t, { optIn: 'double' });
    single = await makeList(t, { optIn: 'single' });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const importCsv = async (csv: string, fields: Record<string, string>) => {
    const req = t.http().post('/api/imports').set(auth());
    for (const [name, value] of Object.entries(fields)) req.field(name, value);
    const { id } = (await req.attach('file', Buffer.from(csv), 'people.csv').expect(202)).body as { id: string };
    return until(async () => {
      const res = await t.http().get(`/api/imports/${id}`).set(auth()).expect(200);
      return ['done', 'failed'].includes(res.body.status) ? res.body : null;
    }, `import ${id} to finish`);
  };
  const subscriberOf = (email: string) => db.getRepository(Subscriber).findOneByOrFail({ emailKey: emailKeyOf(email) });
  const statusOn = async (email: string, listId: string) =>
    (await membershipsOf(t, (await subscriberOf(email)).id)).find((m) => m.listId === listId)?.status;
  const sentTo = (m: ReceivedMail, email: string) => m.to.some((a) => a.toLowerCase() === email.toLowerCase());
  const confirmationMessages = async (email: string) =>
    db.getRepository(Message).countBy({ kind: 'confirmation', subscriberId: (await subscriberOf(email)).id });
  /** No confirmation job waits or runs any more: everything queued so far has made its message (or skipped). */
  const systemMailSettled = async () => {
    const queue = t.app.get<Queue>(getQueueToken(QueueName.SystemMail), { strict: false });
    await until(async () => {
      const c = await queue.getJobCounts();
      return c.waiting + c.active + c.delayed === 0;
    }, 'the system-mail queue to drain');
  };

  it('"send": new members of a double opt-in list stay pending, each gets one confirmation mail, and the count is given', async () => {
    const tag = uniqueTag();
    const [ann, bob, cyd] = ['ann', 'bob', 'cyd'].map((n) => `${n}-${tag}@example.com`);
    // cyd confirmed the double list earlier: no new mail, still confirmed
    await makeSubscriber(t, { email: cyd, lists: { [double.id]: 'confirmed' } });

    const csv = `email,name\n${ann},Ann\n${bob},Bob\n${cyd},Cyd\n`;
    const done = await importCsv(csv, {
      listIds: `${double.id},${single.id}`,
      confirmation: 'send',
    });
    expect(done).toMatchObject({ status: 'done', total: 3, confirmation: 'send', confirmationsSent: 2 });
    // The consent record of each person asked: source `import`, who imported, when; confirmed once they confirm.
    const editorEmail = (await t.http().get('/api/users/me').set(auth()).expect(200)).body.email as string;
    const importConsents = async (email: string) =>
      (await t.app.get(ConsentRepository).findBySubscriber((await subscriberOf(email)).id)).filter(
        (c) => c.source === 'import',
      );
    const [annConsent] = await importConsents(ann);
    expect(annConsent).toMatchObject({
      listId: double.id,
      source: 'import',
      recordedBy: editorEmail,
      ip: null,
      userAgent: null,
      confirmedAt: null,
    });
    expect(new Date(annConsent.createdAt).getTime()).toBeGreaterThanOrEqual(new Date(done.createdAt).getTime() - 1000);
    await expect(importConsents(bob)).resolves.toHaveLength(1);
    await expect(importConsents(cyd)).resolves.toEqual([]); // confirmed before: nobody asked them

    await expect(statusOn(ann, double.id)).resolves.toBe('unconfirmed');
    await expect(statusOn(bob, double.id)).resolves.toBe('unconfirmed');
    await expect(statusOn(cyd, double.id)).resolves.toBe('confirmed');
    // a single opt-in list of the same import is joined at once
    await expect(statusOn(ann, single.id)).resolves.toBe('confirmed');

    // The mail comes through the sign-up's confirmation path: its link confirms the membership.
    const [mail] = await sink.waitFor((m) => sentTo(m, ann));
    const link = new RegExp(`${t.config.publicUrl.replace(/[.]/g, '\\.')}/confirm/(${TOKEN})`);
    const token = link.exec(mail.parsed.text ?? '')?.[1];
    expect(token).toBeDefined();
    await sink.waitFor((m) => sentTo(m, bob));
    await t.http().post(`/confirm/${token}`).type('form').send('').expect(200);
    await expect(statusOn(ann, double.id)).resolves.toBe('confirmed');
    const [annConfirmed] = await importConsents(ann);
    expect(annConfirmed.confirmedAt).not.toBeNull();
    expect(new Date(annConfirmed.confirmedAt!).getTime()).toBeGreaterThanOrEqual(
      new Date(annConsent.createdAt).getTime(),
    );

    // Run again, as a retried job does (the finished import deleted its upload: the same file again): nobody gets a second mail.
    const job = await db.getRepository(Import).findOneByOrFail({ id: done.id });
    writeFileSync(job.filePath, csv);
    await db.getRepository(Import).update(job.id, { status: 'queued' });
    const rerun = await t.app.get(ImportRunner).run((await t.app.get(ImportsService).begin(job.id))!);
    expect(rerun.confirmationsSent).toBe(1); // bob still awaits; ann confirmed meanwhile
    await systemMailSettled();
    await expect(confirmationMessages(ann)).resolves.toBe(1);
    await expect(confirmationMessages(bob)).resolves.toBe(1);
    await expect(confirmationMessages(cyd)).resolves.toBe(0);
    expect(sink.received.filter((m) => sentTo(m, bob))).toHaveLength(1);
    // nor a second consent record
    await expect(importConsents(bob)).resolves.toHaveLength(1);
    await expect(importConsents(ann)).resolves.toHaveLength(1);
  });

  it('"consented" (and the API default): members are confirmed at once and no mail is sent', async () => {
    const tag = uniqueTag();
    const chosen = `chosen-${tag}@example.com`;
    const byDefault = `default-${tag}@example.com`;
    const a = await importCsv(`email\n${chosen}\n`, { listIds: double.id, confirmation: 'consented' });
    const b = await importCsv(`email\n${byDefault}\n`, { listIds: double.id });
    expect(a).toMatchObject({ status: 'done', confirmation: 'consented', confirmationsSent: 0 });
    expect(b).toMatchObject({ status: 'done', confirmation: 'consented', confirmationsSent: 0 });
    await expect(statusOn(chosen, double.id)).resolves.toBe('confirmed');
    await expect(statusOn(byDefault, double.id)).resolves.toBe('confirmed');
    await systemMailSettled();
    await expect(confirmationMessages(chosen)).resolves.toBe(0);
    await expect(confirmationMessages(byDefault)).resolves.toBe(0);
  });

  it('has no confirmation choice without a double opt-in list, and refuses an unknown one', async () => {
    const done = await importCsv(`email\nplain-${uniqueTag()}@example.com\n`, {
      listIds: single.id,
      confirmation: 'send',
    });
    expect(done).toMatchObject({ status: 'done', confirmation: null, confirmationsSent: 0 });
    const res = await t
      .http()
      .post('/api/imports')
      .set(auth())
      .field('listIds', double.id)
      .field('confirmation', 'maybe')
      .attach('file', Buffer.from('email\nx@example.com\n'), 'people.csv')
      .expect(400);
    expect(res.body.message).toContain('confirmation must be "send" or "consented"');
  });
});
