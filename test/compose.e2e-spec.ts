import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { signedInAgent } from './support/admin-agent';
import { linksOf, pathOf, sendCampaign } from './support/campaign-mail';
import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { ReceivedMail, SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const ADDRESS = 'Magazine Ltd, 2 Print Street, Leeds';
/** Attacks an editor (or a pasted text) could bring: each must leave nothing that runs or breaks out of the layout. */
const HOSTILE = [
  '<script>alert("s")</script>',
  '<img src="x" onerror="alert(\'e\')">',
  '<a href="javascript:alert(\'j\')">js link</a>',
  '<a href="JaVaScRiPt&colon;alert(1)">entity js</a>',
  '<svg onload="alert(1)"><circle /></svg>',
  '<p style="background:url(javascript:alert(1))" onmouseover="alert(1)">styled</p>',
  '</mj-text></mj-column></mj-section><mj-raw><script>alert("mjml")</script></mj-raw>',
].join('\n');

/** A campaign written as Markdown or rich text, sent to a real SMTP server and read back. */
describe('campaigns written as Markdown or rich text (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let editor: string;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, COMPANY_ADDRESS: ADDRESS });
    editor = await t.tokenFor('editor');
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const api = {
    get: (path: string) => t.http().get(path).set('Authorization', `Bearer ${editor}`),
    post: (path: string, body: object) => t.http().post(path).set('Authorization', `Bearer ${editor}`).send(body),
    patch: (path: string, body: object) => t.http().patch(path).set('Authorization', `Bearer ${editor}`).send(body),
  };

  async function sendTo(body: Record<string, unknown>): Promise<{ id: string; mail: ReceivedMail }> {
    const list = await makeList(t);
    const reader = await makeSubscriber(t, {
      name: 'Ada',
      attributes: { shop: 'leeds' },
      lists: { [list.id]: 'confirmed' },
    });
    const sent = await sendCampaign(t, sink, editor, { ...body, listIds: [list.id] }, 1);
    return { id: sent.id, mail: sent.mails.get(reader.email)! };
  }

  /** Where each tracked link of the mail leads (the redirect of /c/…), in order. */
  async function targetsOf(mail: ReceivedMail): Promise<string[]> {
    const targets: string[] = [];
    for (const click of linksOf(mail).clicks) {
      targets.push((await t.http().get(pathOf(click)).expect(302)).headers.location);
    }
    return targets;
  }

  function expectNothingHostile(html: string): void {
    expect(html).not.toMatch(/<script|onerror|onload|onmouseover|javascript:|alert\(|<svg|<mj-/i);
  }

  it('Markdown in the newsletter layout: headings, lists and links in the HTML, tracked; variables filled; a readable text part; attacks stripped', async () => {
    const markdown = [
      '# Spring issue',
      '',
      'Hello **{{subscriber.name}}**, here is what is *new*.',
      '',
      '## Three things',
      '',
      '- Tulips are [in the shop](https://shop.example/tulips?from=mail#top)',
      '- Your local store: [{{subscriber.attributes.shop}}](https://shop.example/stores/{{subscriber.attributes.shop}})',
      '- Questions? <hello@shop.example>',
      '',
      HOSTILE,
    ].join('\n');
    const { id, mail } = await sendTo({
      name: 'Spring',
      subject: 'Spring',
      contentFormat: 'markdown',
      content: markdown,
    });

    const stored = (await api.get(`/api/campaigns/${id}`).expect(200)).body;
    expect(stored).toMatchObject({ contentFormat: 'markdown', content: markdown, layoutTemplateId: 'newsletter' });

    const html = mail.parsed.html ?? '';
    expect(html).toMatch(/<h1>Spring issue<\/h1>/);
    expect(html).toMatch(/<h2>Three things<\/h2>/);
    expect(html).toContain('Hello <strong>Ada</strong>, here is what is <em>new</em>.');
    expect(html).toMatch(/<ul>\s*<li>Tulips are <a href="http[^"]+\/c\/[^"]+">in the shop<\/a><\/li>/);
    expect(html).toContain('href="mailto:hello@shop.example"');
    // the layout around it: its header and footer, not its sample sections
    expect(html).toContain('Your Brand');
    expect(html).toContain('Manage preferences');
    expect(html).not.toContain('First feature');
    expectNothingHostile(html);

    expect(await targetsOf(mail)).toEqual([
      'https://shop.example/tulips?from=mail#top',
      'https://shop.example/stores/leeds',
    ]);

    const text = mail.parsed.text ?? '';
    expect(text).toMatch(/SPRING ISSUE/i);
    expect(text).toContain('Hello Ada, here is what is new.');
    expect(text).toMatch(/\* Tulips are in the shop \[https?:\/\/[^\]]+\/c\/[^\]]+\]/);
    expect(text).toContain('leeds');
    expect(text).toContain(ADDRESS);
    expect(text).not.toMatch(/alert\(|<script/);
  });

  it('rich text in a stored layout with a {{{content}}} slot: the editor’s HTML is cut to the mail subset and sent', async () => {
    const layout = await api
      .post('/api/templates', {
        name: 'Plain letter',
        kind: 'campaign',
        subject: 'Letter',
        mjml:
          '<mjml><mj-body><mj-section><mj-column><mj-text css-class="letter">{{{content}}}</mj-text>' +
          '<mj-text><a href="{{unsubscribeUrl}}">Unsubscribe</a> {{companyAddress}}</mj-text></mj-column></mj-section></mj-body></mjml>',
      })
      .expect(201);
    const richtext =
      '<h2 class="ProseMirror-x">Dear {{subscriber.name}}</h2><p>Our <b>autumn</b> list is out: <a href="https://shop.example/autumn" target="_blank">see it</a>.</p>' +
      '<ol><li><p>Apples</p></li><li><p>Pears</p></li></ol><blockquote><p>Quoted</p></blockquote><hr>' +
      '<p><img src="https://cdn.shop.example/autumn.png" alt="Autumn"></p>' +
      HOSTILE;
    const { mail } = await sendTo({
      name: 'Autumn',
      subject: 'Autumn',
      contentFormat: 'richtext',
      content: richtext,
      layoutTemplateId: layout.body.id,
    });
    const html = mail.parsed.html ?? '';
    expect(html).toContain('<h2>Dear Ada</h2>');
    expect(html).toContain('Our <strong>autumn</strong> list is out');
    expect(html).toMatch(/<ol>\s*<li>\s*<p>Apples<\/p>\s*<\/li>\s*<li>\s*<p>Pears<\/p>/);
    expect(html).toMatch(/<blockquote>\s*<p>Quoted<\/p>\s*<\/blockquote>/);
    expect(html).toContain('<img src="https://cdn.shop.example/autumn.png" alt="Autumn"');
    expect(html).not.toContain('ProseMirror-x');
    expect(html).not.toContain('target=');
    expectNothingHostile(html);
    expect(await targetsOf(mail)).toEqual(['https://shop.example/autumn']);
    const text = mail.parsed.text ?? '';
    expect(text).toMatch(/DEAR ADA/i);
    expect(text).toMatch(/1\. Apples/);
    expect(text).not.toMatch(/alert\(/);
  });

  it('a real Markdown document (markdown-it’s README) is taken, with its relative links unlinked', async () => {
    const readme = readFileSync(join(__dirname, 'fixtures', 'markdown', 'markdown-it-readme.md'), 'utf8');
    const { mail } = await sendTo({ name: 'README', subject: 'README', contentFormat: 'markdown', content: readme });
    const html = mail.parsed.html ?? '';
    expect(html).toContain('<h1>markdown-it</h1>');
    expect(html).toContain('Markdown parser done right.');
    expect(html).toContain('<img src="https://img.shields.io/npm/v/markdown-it.svg?style=flat"');
    expect(html).toContain('npm install markdown-it');
    expect(html).not.toContain('migration_v15.md"'); // a relative link leads nowhere from a mail
    expect(await targetsOf(mail)).toContain('https://markdown-it.github.io');
  });

  it('editing: the content alone, the layout alone, then back to MJML; each answers what is kept', async () => {
    const list = await makeList(t);
    const created = await api
      .post('/api/campaigns', {
        name: 'Edits',
        subject: 'Edits',
        listIds: [list.id],
        contentFormat: 'markdown',
        content: 'First *draft*',
      })
      .expect(201);
    const id = created.body.id;
    const versionOf = async () => (await api.get(`/api/campaigns/${id}`).expect(200)).body.templateVersionId as string;
    const v1 = await versionOf();

    const edited = await api.patch(`/api/campaigns/${id}`, { content: 'Second **draft**' }).expect(200);
    expect(edited.body).toMatchObject({
      contentFormat: 'markdown',
      content: 'Second **draft**',
      layoutTemplateId: 'newsletter',
    });
    expect(edited.body.templateVersionId).not.toBe(v1);

    const layout = await api
      .post('/api/templates', {
        name: 'Slot only',
        kind: 'campaign',
        subject: 's',
        mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>{{{content}}}</mj-text></mj-column></mj-section></mj-body></mjml>',
      })
      .expect(201);
    const moved = await api.patch(`/api/campaigns/${id}`, { layoutTemplateId: layout.body.id }).expect(200);
    expect(moved.body).toMatchObject({ content: 'Second **draft**', layoutTemplateId: layout.body.id });

    const mjml =
      '<mjml><mj-body><mj-section><mj-column><mj-text>Own MJML</mj-text></mj-column></mj-section></mj-body></mjml>';
    const back = await api.patch(`/api/campaigns/${id}`, { mjml }).expect(200);
    expect(back.body).toMatchObject({ contentFormat: 'mjml', content: null, layoutTemplateId: null });
  });

  it('what does not fit is a 400 naming the field, and nothing is saved', async () => {
    const list = await makeList(t);
    const base = { name: 'Bad', subject: 'Bad', listIds: [list.id] };
    const noSlot = await api
      .post('/api/templates', {
        name: 'No slot',
        kind: 'campaign',
        subject: 's',
        mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Fixed</mj-text></mj-column></mj-section></mj-body></mjml>',
      })
      .expect(201);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { contentFormat: 'markdown', content: 'x', layoutTemplateId: noSlot.body.id },
        /^layoutTemplateId: template “No slot” has no content slot/,
      ],
      [
        { contentFormat: 'markdown', content: 'x', layoutTemplateId: 'order-placed' },
        /^layoutTemplateId: there is no campaign template order-placed/,
      ],
      [
        { contentFormat: 'markdown', content: 'x', layoutTemplateId: 'no such layout' },
        /^layoutTemplateId must be a template id/,
      ],
      [{ contentFormat: 'markdown' }, /^content is required with contentFormat "markdown"/],
      [{ contentFormat: 'markdown', content: 'x', mjml: '<mjml></mjml>' }, /^give content, not mjml or templateId/],
      [{ contentFormat: 'html', content: 'x' }, /^contentFormat must be one of mjml, markdown, richtext/],
      [
        { content: 'x', mjml: '<mjml></mjml>' },
        /^content and layoutTemplateId go with contentFormat "markdown" or "richtext"/,
      ],
      [
        { contentFormat: 'mjml', content: 'x' },
        /^content and layoutTemplateId go with contentFormat "markdown" or "richtext"/,
      ],
      [
        { contentFormat: 'markdown', content: 'Hi {{#if subscriber.name}}you{{/if}}' },
        /^content: only variables like \{\{subscriber\.name\}\} can be used in Markdown; \{\{#if subscriber\.name\}\} needs MJML/,
      ],
      [{ contentFormat: 'richtext', content: '<p>Hi {{{subscriber.name}}}</p>' }, /^content: only variables/],
      [{ contentFormat: 'richtext', content: '<script>alert(1)</script>' }, /^content: write something/],
    ];
    for (const [fields, message] of cases) {
      const res = await api.post('/api/campaigns', { ...base, ...fields }).expect(400);
      expect({ fields, message: [res.body.message].flat().join('; ') }).toEqual({
        fields,
        message: expect.stringMatching(message),
      });
    }
    const all = await api.get('/api/campaigns?limit=100').expect(200);
    expect(all.body.items.filter((c: { name: string }) => c.name === 'Bad')).toEqual([]);

    const draft = await api
      .post('/api/campaigns', { ...base, name: 'Switch', contentFormat: 'markdown', content: '# Hi' })
      .expect(201);
    const switched = await api.patch(`/api/campaigns/${draft.body.id}`, { contentFormat: 'richtext' }).expect(400);
    expect(switched.body.message).toEqual(['content is required with contentFormat "richtext"']);
    expect((await api.get(`/api/campaigns/${draft.body.id}`).expect(200)).body).toMatchObject({
      contentFormat: 'markdown',
      content: '# Hi',
    });
  });
});

/** The admin content step without a browser: what the service refuses is shown beside the field, and nothing is saved. */
describe('the admin content step for Markdown and rich text (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a Markdown block helper, a layout that is no campaign template and empty rich text are 400 with the reason beside the field; a good one is saved', async () => {
    const { agent, csrf } = await signedInAgent(t, 'editor');
    const form = { _csrf: csrf, name: `Form ${uniqueTag()}`, source: 'markdown', layoutRef: 'newsletter' };
    const helper = await agent
      .post('/admin/campaigns')
      .type('form')
      .send({ ...form, markdown: 'Hi {{#if subscriber.name}}you{{/if}}' })
      .expect(400);
    expect(helper.text).toMatch(
      /<span class="field-error" id="c-markdown-error">only variables like \{\{subscriber\.name\}\} can be used in Markdown; \{\{#if subscriber\.name\}\} needs MJML<\/span>/,
    );
    const unknown = await agent
      .post('/admin/campaigns')
      .type('form')
      .send({ ...form, markdown: 'Hi', layoutRef: 'order-placed' })
      .expect(400);
    expect(unknown.text).toContain(
      '<span class="field-error" id="c-layout-error">there is no campaign template order-placed</span>',
    );
    const empty = await agent
      .post('/admin/campaigns')
      .type('form')
      .send({ ...form, source: 'richtext', richtext: '  ' })
      .expect(400);
    expect(empty.text).toContain(
      '<span class="field-error" id="c-richtext-error">Write the text of the campaign</span>',
    );
    expect(
      (await t.app.get(CampaignsService).list({ page: 1, limit: 100 })).items.filter((c) => c.name === form.name),
    ).toEqual([]);

    const saved = await agent
      .post('/admin/campaigns')
      .type('form')
      .send({ ...form, markdown: '# Hi {{subscriber.name}}' })
      .expect(303);
    const id = /\/admin\/campaigns\/([0-9a-f-]{36})\/audience/.exec(saved.headers.location)![1];
    expect(await t.app.get(CampaignsService).get(id)).toMatchObject({
      contentFormat: 'markdown',
      content: '# Hi {{subscriber.name}}',
    });
    const review = await agent.get(`/admin/campaigns/${id}/review`).expect(200);
    expect(review.text).toContain('Markdown in the newsletter layout');
  });
});
