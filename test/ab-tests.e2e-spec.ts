import { KEEP_ALL } from '../src/campaigns/ab-split';
import { slicePosition, sliceBounds } from '../src/campaigns/ab-test';
import { AbTestSweeper } from '../src/campaigns/ab-test-sweeper';
import { AbTestsService } from '../src/campaigns/ab-tests.service';
import { CampaignRepository } from '../src/campaigns/campaign.repository';
import { flushTracking, linksOf, pathOf } from './support/campaign-mail';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text} {{subscriber.email}}</mj-text></mj-column></mj-section></mj-body></mjml>`;
const HUMAN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko)';
/** What Apple Mail Privacy Protection's proxy says: an open no person made. */
const APPLE_PROXY = 'Mozilla/5.0';
const HOUR_MS = 3_600_000;

describe('A/B tests (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let auth: { Authorization: string };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    auth = { Authorization: `Bearer ${await t.tokenFor('editor')}` };
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const api = {
    get: (path: string) => t.http().get(path).set(auth),
    post: (path: string, body: object = {}) => t.http().post(path).set(auth).send(body),
    patch: (path: string, body: object) => t.http().patch(path).set(auth).send(body),
  };

  /** A list of `n` confirmed readers; answers the list id, their addresses and their subscriber ids. */
  async function readers(n: number): Promise<{ listId: string; emails: string[]; ids: string[] }> {
    const list = await makeList(t);
    const tag = uniqueTag();
    const emails: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const s = await makeSubscriber(t, { email: `r${i}-${tag}@ab.example`, lists: { [list.id]: 'confirmed' } });
      emails.push(s.email);
      ids.push(s.id);
    }
    return { listId: list.id, emails, ids };
  }

  /** The mail of the campaign family `familyIds` (Feedback-ID starts with the sending campaign's id). */
  const ofFamily = (ids: () => string[]) => (m: ReceivedMail) =>
    (m.headers.get('feedback-id') ?? []).some((v) => ids().some((id) => v.startsWith(id)));

  /** The hidden campaigns of a test: its variants', then its winner's. */
  async function childIds(parentId: string): Promise<string[]> {
    return (await t.app.get(CampaignRepository).findChildren([parentId])).map((c) => c.id);
  }

  const sweep = (now?: number) => t.app.get(AbTestSweeper).sweep(now);

  /** A draft A/B test of two subject lines, X and Y, to half of `listId`; answers its id. */
  async function xyTest(listId: string, name: string, waitHours = 0): Promise<string> {
    const created = await api
      .post('/api/campaigns', {
        name,
        subject: 'S',
        mjml: mjml('Hi'),
        listIds: [listId],
        variants: [{ subject: 'X' }, { subject: 'Y' }],
        abTest: { share: 50, metric: 'opens', waitHours },
      })
      .expect(201);
    return created.body.id as string;
  }

  it('sends the variants to the test share split evenly, then the winner by human opens to everyone else, each reader once', async () => {
    const { listId, emails } = await readers(40);
    const created = await api
      .post('/api/campaigns', {
        name: 'Spring sale',
        subject: 'Campaign subject',
        mjml: mjml('Original'),
        listIds: [listId],
        variants: [{ subject: 'Subject A' }, { subject: 'Subject B', mjml: mjml('Content B') }],
        // an hour's wait that only the test's own sweep moves past (the clock moved on), so the app's 5 s timer
        // cannot choose between the variants sent and the opens recorded, on a busy machine
        abTest: { share: 50, metric: 'opens', waitHours: 1 },
      })
      .expect(201);
    const id: string = created.body.id;
    expect(created.body.variants).toEqual([
      { subject: 'Subject A', templateId: null, ownContent: false },
      { subject: 'Subject B', templateId: null, ownContent: true },
    ]);
    expect(created.body.abTest).toEqual({ share: 50, metric: 'opens', waitHours: 1 });
    expect((await api.post(`/api/campaigns/${id}/send`).expect(202)).body).toEqual({ status: 'sending' });

    // The test: 50 % of 40 readers, 10 per variant, each with its own subject and content.
    let family: string[] = [];
    const mine = ofFamily(() => family);
    family = await until(async () => ((await childIds(id)).length === 2 ? childIds(id) : null), 'the variants');
    const test = await sink.waitFor(mine, 20);
    const bySubject = (s: string) => test.filter((m) => m.parsed.subject === s);
    expect(bySubject('Subject A')).toHaveLength(10);
    expect(bySubject('Subject B')).toHaveLength(10);
    for (const m of bySubject('Subject A')) expect(m.parsed.html).toContain('Original');
    for (const m of bySubject('Subject B')) expect(m.parsed.html).toContain('Content B');

    // A's opens are all Apple's proxy (machines); B has fewer, but people's: B wins.
    for (const m of bySubject('Subject A').slice(0, 6))
      await t
        .http()
        .get(pathOf(linksOf(m).pixel))
        .set('User-Agent', APPLE_PROXY)
        .expect(200);
    for (const m of bySubject('Subject B').slice(0, 3))
      await t
        .http()
        .get(pathOf(linksOf(m).pixel))
        .set('User-Agent', HUMAN)
        .expect(200);
    await flushTracking(t);

    // The wait is over (the clock moved two hours on) and both variants are sent: the sweep picks B and sends it
    // to the other 20.
    await until(async () => {
      await sweep(Date.now() + 2 * HOUR_MS);
      return (await api.get(`/api/campaigns/${id}`).expect(200)).body.status === 'sent';
    }, 'the A/B test to be sent');
    family = await childIds(id);
    expect(family).toHaveLength(3);
    const all = await sink.waitFor(mine, 40);
    const rest = all.filter((m) => !test.includes(m));
    expect(rest).toHaveLength(20);
    for (const m of rest) {
      expect(m.parsed.subject).toBe('Subject B');
      expect(m.parsed.html).toContain('Content B');
    }
    const reached = all.flatMap((m) => m.to).sort();
    expect(reached).toEqual([...emails].sort());
    expect(new Set(reached).size).toBe(40);

    const campaign = (await api.get(`/api/campaigns/${id}`).expect(200)).body;
    expect(campaign).toMatchObject({ status: 'sent', abWinner: 1, progress: { total: 40, sent: 40, pending: 0 } });
    const stats = (await api.get(`/api/campaigns/${id}/stats`).expect(200)).body;
    expect(stats).toMatchObject({ recipients: 40, sent: 40, opens: { unique: 3, total: 3, machine: 6 } });
    expect(stats.variants).toEqual([
      expect.objectContaining({ label: 'A', subject: 'Subject A', sent: 10, rate: 0, winner: false }),
      expect.objectContaining({ label: 'B', subject: 'Subject B', sent: 10, rate: 0.3, winner: true }),
    ]);
    expect(stats.variants[0].opens).toEqual({ unique: 0, total: 0, machine: 6 });
    expect(stats.variants[1].opens).toEqual({ unique: 3, total: 3, machine: 0 });
    expect(stats.abTest).toMatchObject({ metric: 'opens', winner: { index: 1, label: 'B' }, rest: { sent: 20 } });

    // The variants' campaigns are hidden from the list and move only with their test.
    const listed = (await api.get('/api/campaigns?limit=100').expect(200)).body.items.map((c: { id: string }) => c.id);
    expect(listed).toContain(id);
    for (const child of family) expect(listed).not.toContain(child);
    const refused = await api.post(`/api/campaigns/${family[0]}/cancel`).expect(409);
    expect(refused.body.message).toContain(`A/B test ${id}`);
  });

  it('splits four variants evenly within the rounding of the share, and ties go to the first variant', async () => {
    const { listId } = await readers(30);
    const id = (
      await api
        .post('/api/campaigns', {
          name: 'Four ways',
          subject: 'S',
          mjml: mjml('Hi'),
          listIds: [listId],
          variants: [{ subject: 'V1' }, { subject: 'V2' }, { subject: 'V3' }, { subject: 'V4' }],
          abTest: { share: 30, metric: 'clicks', waitHours: 0 },
        })
        .expect(201)
    ).body.id;
    await api.post(`/api/campaigns/${id}/send`).expect(202);
    await until(async () => {
      await sweep();
      return (await api.get(`/api/campaigns/${id}`).expect(200)).body.status === 'sent';
    }, 'the A/B test to be sent');
    const stats = (await api.get(`/api/campaigns/${id}/stats`).expect(200)).body;
    // 30 % of 30 = 9 readers over 4 variants: 2 or 3 each
    const sizes = stats.variants.map((v: { sent: number }) => v.sent);
    expect(sizes.reduce((a: number, b: number) => a + b, 0)).toBe(9);
    for (const n of sizes) expect([2, 3]).toContain(n);
    // nobody clicked: a tie, the first variant wins and goes to the other 21
    expect(stats.abTest.winner).toEqual({ index: 0, label: 'A' });
    expect(stats).toMatchObject({ recipients: 30, sent: 30, abTest: { rest: { sent: 21 } } });
  });

  it('waits waitHours (a clock moved forward) before choosing, and a pause or cancel of the test holds it', async () => {
    const { listId } = await readers(6);
    const make = (name: string) => xyTest(listId, name, 2.5);
    const waiting = await make('Waits');
    const cancelled = await make('Cancelled');
    for (const id of [waiting, cancelled]) await api.post(`/api/campaigns/${id}/send`).expect(202);
    const testSent = async (id: string) => {
      const kids = await childIds(id);
      const states = await Promise.all(kids.map(async (k) => (await api.get(`/api/campaigns/${k}`)).body.status));
      return kids.length === 2 && states.every((s) => s === 'sent');
    };
    await until(async () => (await testSent(waiting)) && (await testSent(cancelled)), 'both tests sent');

    // the variants are sent, but the wait is not over
    expect(await sweep(Date.now() + 2 * HOUR_MS)).toBe(0);
    expect((await api.get(`/api/campaigns/${waiting}`).expect(200)).body).toMatchObject({
      status: 'sending',
      abWinner: null,
    });

    await api.post(`/api/campaigns/${waiting}/pause`).expect(200);
    await api.post(`/api/campaigns/${cancelled}/cancel`).expect(200);
    expect(await sweep(Date.now() + 3 * HOUR_MS)).toBe(0);
    expect((await childIds(waiting)).length).toBe(2);

    await api.post(`/api/campaigns/${waiting}/resume`).expect(200);
    expect(await sweep(Date.now() + 3 * HOUR_MS)).toBe(1);
    expect((await api.get(`/api/campaigns/${waiting}`).expect(200)).body.abWinner).toBe(0);
    expect((await api.get(`/api/campaigns/${cancelled}`).expect(200)).body).toMatchObject({
      status: 'cancelled',
      abWinner: null,
    });
    expect((await childIds(cancelled)).length).toBe(2);
    await until(async () => {
      await sweep();
      return (await api.get(`/api/campaigns/${waiting}`)).body.status === 'sent';
    }, 'the winner sent');
  });

  it('pauses and resumes the variants that are sending with their test, and a cancel reaches them too', async () => {
    const { listId } = await readers(8);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    sink.beforeAccept = () => held;
    try {
      const make = async (name: string) => {
        const id = await xyTest(listId, name);
        await api.post(`/api/campaigns/${id}/send`).expect(202);
        return id;
      };
      const statuses = async (id: string) =>
        Promise.all(
          (await childIds(id)).map(async (k) => (await api.get(`/api/campaigns/${k}`)).body.status as string),
        );
      const paused = await make('Paused while sending');
      const cancelled = await make('Cancelled while sending');
      // SMTP holds the first mail: both tests' variants are sending
      for (const id of [paused, cancelled])
        await until(async () => (await statuses(id)).join() === 'sending,sending', 'the variants sending');

      await api.post(`/api/campaigns/${paused}/pause`).expect(200);
      await api.post(`/api/campaigns/${cancelled}/cancel`).expect(200);
      expect(await statuses(paused)).toEqual(['paused', 'paused']);
      expect(await statuses(cancelled)).toEqual(['cancelled', 'cancelled']);
      expect((await api.get(`/api/campaigns/${paused}`).expect(200)).body.status).toBe('paused');

      release();
      await api.post(`/api/campaigns/${paused}/resume`).expect(200);
      await until(async () => {
        await sweep();
        return (await api.get(`/api/campaigns/${paused}`)).body.status === 'sent';
      }, 'the resumed test to be sent');
      expect((await api.get(`/api/campaigns/${paused}`).expect(200)).body.progress).toMatchObject({
        sent: 8,
        total: 8,
      });
      const gone = (await api.get(`/api/campaigns/${cancelled}`).expect(200)).body;
      expect(gone).toMatchObject({ status: 'cancelled', abWinner: null });
      expect(gone.progress.sent).toBeLessThan(4);
    } finally {
      sink.beforeAccept = undefined;
      release();
    }
  });

  it('answers 400 naming what is wrong with variants or abTest, and saves nothing', async () => {
    const list = await makeList(t);
    const base = { name: 'Bad', subject: 'S', mjml: mjml('Hi'), listIds: [list.id] };
    const ab = { share: 10, metric: 'opens', waitHours: 4 };
    const cases: Array<[object, string]> = [
      [{ variants: [{ subject: 'A' }, { subject: 'B' }] }, 'abTest is required with variants'],
      [{ abTest: ab }, 'variants are required with abTest'],
      [{ variants: [{ subject: 'A' }], abTest: ab }, 'variants must hold 2 to 4 variants'],
      [{ variants: [1, 2, 3, 4, 5].map((n) => ({ subject: `S${n}` })), abTest: ab }, 'variants must hold 2 to 4'],
      [{ variants: [{ subject: 'A' }, { subject: '' }], abTest: ab }, 'variants.1.subject must not be empty'],
      [
        { variants: [{ subject: 'A' }, { subject: 'B' }], abTest: { ...ab, share: 51 } },
        'abTest.share must be between 1 and 50',
      ],
      [
        { variants: [{ subject: 'A' }, { subject: 'B' }], abTest: { ...ab, share: 0 } },
        'abTest.share must be between 1 and 50',
      ],
      [
        { variants: [{ subject: 'A' }, { subject: 'B' }], abTest: { ...ab, metric: 'likes' } },
        'abTest.metric must be one of opens, clicks',
      ],
      [
        { variants: [{ subject: 'A' }, { subject: 'B' }], abTest: { ...ab, waitHours: -1 } },
        'abTest.waitHours must be between 0',
      ],
      [
        {
          variants: [{ subject: 'A' }, { subject: 'B', templateId: '00000000-0000-4000-8000-000000000000' }],
          abTest: ab,
        },
        'variants[1] (B): templateId: template 00000000-0000-4000-8000-000000000000 does not exist',
      ],
      [
        {
          variants: [
            { subject: 'A', mjml: mjml('x'), templateId: '00000000-0000-4000-8000-000000000000' },
            { subject: 'B' },
          ],
          abTest: ab,
        },
        'variants[0] (A): give templateId or mjml, not both',
      ],
    ];
    const before = (await api.get('/api/campaigns?limit=100').expect(200)).body.total;
    for (const [extra, message] of cases) {
      const res = await api.post('/api/campaigns', { ...base, ...extra }).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(message);
    }
    const broken = await api
      .post('/api/campaigns', {
        ...base,
        variants: [{ subject: 'A' }, { subject: 'B', mjml: '<mjml><mj-body><mj-nope/></mj-body></mjml>' }],
        abTest: ab,
      })
      .expect(400);
    expect(broken.body.message[0]).toMatchObject({ variant: 'variants[1] (B)' });
    expect((await api.get('/api/campaigns?limit=100').expect(200)).body.total).toBe(before);

    // PATCH while draft: the test added, then taken off (both at once, never one without the other)
    const id = (await api.post('/api/campaigns', base).expect(201)).body.id;
    await api.patch(`/api/campaigns/${id}`, { variants: [{ subject: 'A' }, { subject: 'B' }] }).expect(400);
    const added = await api
      .patch(`/api/campaigns/${id}`, { variants: [{ subject: 'A' }, { subject: 'B' }], abTest: ab })
      .expect(200);
    expect(added.body.abTest).toEqual(ab);
    await api.patch(`/api/campaigns/${id}`, { abTest: null }).expect(400);
    const off = await api.patch(`/api/campaigns/${id}`, { variants: null, abTest: null }).expect(200);
    expect(off.body).toMatchObject({ variants: null, abTest: null });
  });

  it('starts a scheduled test at its time', async () => {
    const { listId } = await readers(4);
    const id = await xyTest(listId, 'Later');
    const sendAt = new Date(Date.now() + 60_000).toISOString();
    expect((await api.post(`/api/campaigns/${id}/send`, { sendAt }).expect(202)).body).toEqual({ status: 'scheduled' });
    expect(await sweep()).toBe(0);
    expect(await childIds(id)).toEqual([]);
    // its time has come (the clock moved a minute on)
    expect(await sweep(Date.now() + 61_000)).toBeGreaterThanOrEqual(1);
    expect((await api.get(`/api/campaigns/${id}`).expect(200)).body.status).toBe('sending');
    await until(async () => {
      await sweep();
      return (await api.get(`/api/campaigns/${id}`)).body.status === 'sent';
    }, 'the scheduled test to be sent');
    expect((await api.get(`/api/campaigns/${id}/stats`).expect(200)).body).toMatchObject({ recipients: 4, sent: 4 });
  });

  it('makes the variants from the sweep when the process that sent the test stopped before it did', async () => {
    const { listId } = await readers(4);
    const id = await xyTest(listId, 'Crashed');
    // what a send leaves when its process dies right after answering: 'sending', no variants yet
    await t.app.get(CampaignRepository).updateIfStatus(id, ['draft'], { status: 'sending', startedAt: new Date() });
    expect(await childIds(id)).toEqual([]);
    // (the app's own timer may be the one that does it: the same sweep)
    await sweep();
    expect(await childIds(id)).toHaveLength(2);
    await sweep();
    expect(await childIds(id)).toHaveLength(2);
    await until(async () => {
      await sweep();
      return (await api.get(`/api/campaigns/${id}`)).body.status === 'sent';
    }, 'the test to be sent');
    expect((await api.get(`/api/campaigns/${id}/stats`).expect(200)).body).toMatchObject({ recipients: 4, sent: 4 });
  });

  it('splits an audience too large to keep in memory from two reads, as it would from all positions, each reader once', async () => {
    const { listId, emails, ids } = await readers(30);
    const service = t.app.get(AbTestsService);
    // (30 readers stand for a large audience: beyond 10, positions are counted per bucket, not kept)
    service.keepAllUpTo = 10;
    try {
      const id = await xyTest(listId, 'Large audience');
      await api.post(`/api/campaigns/${id}/send`).expect(202);
      await until(async () => {
        await sweep();
        return (await api.get(`/api/campaigns/${id}`).expect(200)).body.status === 'sent';
      }, 'the A/B test to be sent');
      const children = await t.app.get(CampaignRepository).findChildren([id]);
      const family = children.map((c) => c.id);
      // the variants' ranges are what sorting every reader's position gives: 50 % of 30 = 15, split 7 and 8
      const expected = sliceBounds(
        ids.map((s) => slicePosition(id, s)),
        50,
        2,
      );
      const ranges = children
        .filter((c) => c.audienceSlice?.kind === 'hash')
        .map((c) => c.audienceSlice as { from: number; to: number })
        .map(({ from, to }) => [from, to]);
      expect(ranges).toEqual(expected);
      const stats = (await api.get(`/api/campaigns/${id}/stats`).expect(200)).body;
      expect(stats.variants.map((v: { sent: number }) => v.sent).sort()).toEqual([7, 8]);
      expect(stats.abTest.rest).toMatchObject({ sent: 15 });
      const mail = await sink.waitFor(
        ofFamily(() => family),
        30,
      );
      expect(mail.flatMap((m) => m.to).sort()).toEqual([...emails].sort());
    } finally {
      service.keepAllUpTo = KEEP_ALL;
    }
  });
});
