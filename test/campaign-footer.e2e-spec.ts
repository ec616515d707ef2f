import { signedInAgent } from './support/admin-agent';
import { linksOf, sendCampaign } from './support/campaign-mail';
import { makeList, makeSubscriber } from './support/factories';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

const ADDRESS = 'Shop & Co Ltd, 1 High Street, Springfield';
const body = (inner: string) =>
  `<mjml><mj-body><mj-section><mj-column>${inner}</mj-column></mj-section></mj-body></mjml>`;

/** Every campaign mail carries the postal address and an unsubscribe link, in its HTML and its text part, whatever the template. */
describe('the legal footer of campaign mail (e2e)', () => {
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

  async function sendOne(mjml: string) {
    const list = await makeList(t);
    const person = await makeSubscriber(t, { name: 'Ada', lists: { [list.id]: 'confirmed' } });
    const sent = await sendCampaign(t, sink, editor, { mjml, listIds: [list.id] }, 1);
    const mail = sent.mails.get(person.email)!;
    return { html: mail.parsed.html ?? '', text: mail.parsed.text ?? '', unsubscribe: linksOf(mail).unsubscribe };
  }

  it('a template with its own {{unsubscribeUrl}} but no address: both parts carry the address, and one unsubscribe link', async () => {
    const mail = await sendOne(
      body('<mj-text>Hello {{subscriber.name}}. <a href="{{unsubscribeUrl}}">Leave this list</a></mj-text>'),
    );
    expect(mail.html).toContain('Shop &amp; Co Ltd, 1 High Street, Springfield');
    expect(mail.text).toContain(ADDRESS);
    expect(mail.html.split(mail.unsubscribe)).toHaveLength(2);
    expect(mail.text.split(mail.unsubscribe)).toHaveLength(2);
  });

  it('a template with the address but no unsubscribe link: both parts carry the link of List-Unsubscribe, and the address once', async () => {
    const mail = await sendOne(
      body('<mj-text>Hello {{subscriber.name}}.</mj-text><mj-text>{{companyAddress}}</mj-text>'),
    );
    expect(mail.html).toContain(`href="${mail.unsubscribe}"`);
    expect(mail.text).toContain(mail.unsubscribe);
    expect(mail.html.split('1 High Street')).toHaveLength(2);
    expect(mail.text.split('1 High Street')).toHaveLength(2);
  });

  it('a template naming both only in a comment, or inside a condition that is false, gets both in both parts', async () => {
    const mail = await sendOne(
      body(
        '<mj-text>Hello<!-- {{unsubscribeUrl}} {{companyAddress}} --></mj-text>' +
          '<mj-text>{{#if subscriber.attributes.vip}}<a href="{{unsubscribeUrl}}">Leave</a> {{companyAddress}}{{/if}}</mj-text>',
      ),
    );
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain(mail.unsubscribe);
      expect(part).toMatch(/Shop (&amp;|&) Co Ltd, 1 High Street, Springfield/);
    }
  });

  it('a test send carries the footer too', async () => {
    const list = await makeList(t);
    const auth = { Authorization: `Bearer ${editor}` };
    const created = await t
      .http()
      .post('/api/campaigns')
      .set(auth)
      .send({
        name: 'Footer test send',
        subject: 'Test',
        mjml: body('<mj-text>No footer here</mj-text>'),
        listIds: [list.id],
      })
      .expect(201);
    await t
      .http()
      .post(`/api/campaigns/${created.body.id}/test`)
      .set(auth)
      .send({ emails: ['footer-test@example.com'] })
      .expect(202);
    const [mail] = await sink.waitFor(
      (m) => m.to.includes('footer-test@example.com') && m.parsed.subject === '[Test] Test',
      1,
    );
    expect(mail.parsed.html).toContain('Shop &amp; Co Ltd');
    expect(mail.parsed.text).toContain(ADDRESS);
    expect(mail.parsed.text).toMatch(/Unsubscribe: http/);
  });

  it('the editor and the review step say what will be added before sending', async () => {
    const { agent, csrf } = await signedInAgent(t, 'editor');
    const ownLink = body('<mj-text><a href="{{unsubscribeUrl}}">Leave</a></mj-text>');
    const preview = await agent
      .post('/admin/templates/preview')
      .set('X-CSRF-Token', csrf)
      .send({ mjml: ownLink, subject: 's', kind: 'campaign' })
      .expect(200);
    expect(preview.body.footerNotice).toBe(
      'A footer with the postal address will be added to every mail: this template does not show it.',
    );
    expect(preview.body.html).toContain('1 High Street');
    const complete = await agent
      .post('/admin/templates/preview')
      .set('X-CSRF-Token', csrf)
      .send({
        mjml: body('<mj-text><a href="{{unsubscribeUrl}}">Leave</a> {{companyAddress}}</mj-text>'),
        subject: 's',
        kind: 'campaign',
      })
      .expect(200);
    expect(complete.body.footerNotice).toBeNull();
    const transactional = await agent
      .post('/admin/templates/preview')
      .set('X-CSRF-Token', csrf)
      .send({ mjml: ownLink, subject: 's', kind: 'transactional' })
      .expect(200);
    expect(transactional.body.footerNotice).toBeNull();

    const list = await makeList(t);
    const created = await t
      .http()
      .post('/api/campaigns')
      .set('Authorization', `Bearer ${editor}`)
      .send({
        name: 'Review footer',
        subject: 'S',
        mjml: body('<mj-text>{{companyAddress}}</mj-text>'),
        listIds: [list.id],
      })
      .expect(201);
    const review = await agent.get(`/admin/campaigns/${created.body.id}/review`).expect(200);
    expect(review.text).toContain(
      'A footer with the unsubscribe link will be added to every mail: this template does not show it.',
    );
    const content = await agent.get(`/admin/campaigns/${created.body.id}/content`).expect(200);
    expect(content.text).toMatch(/data-footer-notice[^>]*>A footer with the unsubscribe link will be added/);
  });
});
