import request from 'supertest';
import { UsersService } from '../src/users/users.service';
import { sendCampaign } from './support/campaign-mail';
import { makeApiKey, makeList, makeSubscriber, uniqueTag } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const mjml = (inner: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${inner}</mj-text></mj-column></mj-section></mj-body></mjml>`;
const list = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Three loops over the same list: 1,000 elements make a billion iterations. */
const cubed = (path: string) =>
  `{{#each ${path}}}{{#each @root.${path}}}{{#each @root.${path}}}x{{/each}}{{/each}}{{/each}}`;
/** Either limit may stop it first on a busy machine; both name themselves. */
const LIMIT_MESSAGE = /^Rendering stopped: the template took (more than 250,000 steps|longer than 1000 ms)/;

/** Handlebars runs editor input synchronously: every render has a step, output and time limit. */
describe('render limits (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  let viewer: string;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url });
    [editor, viewer] = await Promise.all([t.tokenFor('editor'), t.tokenFor('viewer')]);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('refuses a viewer the preview: it runs whatever template it is given', async () => {
    await t
      .http()
      .post('/api/templates/preview')
      .set(as(viewer))
      .send({ mjml: mjml('hi') })
      .expect(403);
    const email = `viewer-${uniqueTag()}@example.com`;
    await t.app.get(UsersService).create(email, 'correct horse battery', 'viewer');
    const agent = request.agent(t.baseUrl);
    const login = await agent.get('/admin/login').expect(200);
    const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
    await agent
      .post('/admin/login')
      .type('form')
      .send({ email, password: 'correct horse battery', _csrf: loginCsrf })
      .expect(303);
    const page = await agent.get('/admin/templates/built-in/newsletter').expect(200);
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.text)![1];
    expect(page.text).not.toContain('data-preview-url'); // the page does not ask for what it may not have
    await agent
      .post('/admin/templates/preview')
      .set('X-CSRF-Token', csrf)
      .set('Accept', 'application/json')
      .send({ mjml: mjml('hi') })
      .expect(403);
  });

  it('stops an editor preview of nested loops with a 400 naming the limit, while /health answers', async () => {
    const preview = t
      .http()
      .post('/api/templates/preview')
      .set(as(editor))
      .send({ mjml: mjml(cubed('a')), data: { a: list(1000) } })
      .then((r) => r);
    const health = await t.http().get('/health');
    expect(health.status).toBe(200);
    const res = await preview;
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(LIMIT_MESSAGE) });
  });

  it('stops a preview whose output would be too large', async () => {
    const res = await t
      .http()
      .post('/api/templates/preview')
      .set(as(editor))
      .send({ mjml: mjml('{{a}}'.repeat(120)), data: { a: 'y'.repeat(100_000) } })
      .expect(400);
    expect(res.body.message).toMatch(/^Rendering stopped: the message would be larger than 10 MB/);
  });

  it('refuses templates too costly to compile (deep nesting, thousands of mustaches), naming the problem', async () => {
    const nested = mjml('{{#if a}}'.repeat(1500) + 'x' + '{{/if}}'.repeat(1500));
    const crowded = mjml('{{a}} '.repeat(20_000));
    // Each used to take Handlebars' compiler 10 s or more (the nested one then overflowed the stack).
    const previews = Promise.all(
      [nested, crowded].map((m) =>
        t
          .http()
          .post('/api/templates/preview')
          .set(as(editor))
          .send({ mjml: m, data: { a: 1 } })
          .then((r) => r),
      ),
    );
    expect((await t.http().get('/health')).status).toBe(200);
    const [deep, many] = await previews;
    expect(deep.status).toBe(200);
    expect(deep.body.errors).toEqual([
      expect.objectContaining({ field: 'mjml', message: 'Handlebars: more than 2000 {{…}} expressions (3000)' }),
    ]);
    expect(many.body.errors).toEqual([
      expect.objectContaining({ message: 'Handlebars: more than 2000 {{…}} expressions (20000)' }),
    ]);
    const tooDeep = await t
      .http()
      .post('/api/templates/preview')
      .set(as(editor))
      .send({ mjml: mjml('{{#if a}}'.repeat(60) + 'x' + '{{/if}}'.repeat(60)) })
      .expect(200);
    expect(tooDeep.body.errors).toEqual([
      expect.objectContaining({ message: 'Handlebars: blocks are nested more than 50 levels deep' }),
    ]);
    const saved = await t
      .http()
      .post('/api/templates')
      .set(as(editor))
      .send({ name: `Crowded ${uniqueTag()}`, kind: 'campaign', subject: 'Hi', mjml: crowded })
      .expect(400);
    expect(saved.body.message).toEqual([
      expect.objectContaining({ field: 'mjml', line: 1, message: expect.stringContaining('more than 2000') }),
    ]);
  });

  it('refuses a transactional message whose data makes the template run away, with 400 naming the limit', async () => {
    const slug = `runaway-${uniqueTag()}`;
    await t
      .http()
      .post('/api/templates')
      .set(as(editor))
      .send({ name: slug, slug, kind: 'transactional', subject: 'Order', mjml: mjml(cubed('items')) })
      .expect(201);
    const key = await makeApiKey(t, ['transactional:send']);
    const res = await t
      .http()
      .post('/api/transactional/messages')
      .set(as(key))
      .send({ template: slug, to: { email: `buyer-${uniqueTag()}@example.com` }, data: { items: list(1000) } })
      .expect(400);
    expect(([] as string[]).concat(res.body.message).join(' ')).toMatch(LIMIT_MESSAGE);
  });

  it('fails a test send and a campaign message that run away, with the reason, and sends the rest', async () => {
    const listRow = await makeList(t);
    // 3,000 numbers fit the 16 KB of attributes; three loops over them would never end.
    const runaway = await makeSubscriber(t, {
      attributes: { picks: list(3000) },
      lists: { [listRow.id]: 'confirmed' },
    });
    const body = {
      mjml: mjml(`Hello {{subscriber.name}} ${cubed('subscriber.attributes.picks')}`),
      listIds: [listRow.id],
    };

    const draft = await t
      .http()
      .post('/api/campaigns')
      .set(as(editor))
      .send({ name: 'Runaway', subject: 'Hi', ...body })
      .expect(201);
    const test = await t
      .http()
      .post(`/api/campaigns/${draft.body.id}/test`)
      .set(as(editor))
      .send({ emails: ['test@example.com'] })
      .expect(400);
    expect(test.body.message).toMatch(LIMIT_MESSAGE);

    const fine = await makeSubscriber(t, { name: 'Fine', lists: { [listRow.id]: 'confirmed' } });
    const sent = await sendCampaign(t, sink, editor, body, 1);
    expect([...sent.mails.keys()]).toEqual([fine.email]);
    const failed = sent.messages.get(runaway.email)!;
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toMatch(LIMIT_MESSAGE);
    const log = await t.http().get(`/api/messages/${failed.id}`).set(as(viewer)).expect(200);
    expect(log.body.events.map((e: { type: string }) => e.type)).toContain('failed');
    expect(log.body.attempts ?? 0).toBeLessThanOrEqual(1); // not retried
  });
});
