import { readFileSync } from 'node:fs';
import { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { CampaignRepository } from '../src/campaigns/campaign.repository';
import { TemplateVersionRepository } from '../src/templates/template-version.repository';
import { signedInAgent } from './support/admin-agent';
import { launchBrowser, screenshot, signedInPage, stopAppAndBrowser, unexpectedConsoleErrors } from './support/browser';
import { mediaImages } from './support/media-images';
import { createTestApp, TestApp } from './support/test-app';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target })) }));
}

/** A campaign (written straight to its table, in any status) whose mail shows the image at `url`. */
async function campaignShowing(t: TestApp, url: string, name: string, status: 'draft' | 'sent'): Promise<string> {
  const mjml = `<mjml><mj-body><mj-section><mj-column><mj-image src="${url}"></mj-image></mj-column></mj-section></mj-body></mjml>`;
  const version = await t.app
    .get(TemplateVersionRepository)
    .insert(null, 1, { subject: 'S', mjml, text: null, required: [] });
  return t.app.get(CampaignRepository).create({
    name,
    subject: name,
    fromName: null,
    fromEmail: null,
    templateId: null,
    templateVersionId: version.id,
    listIds: [],
    trackOpens: true,
    trackClicks: true,
    status,
  });
}

describe('admin: the JSON routes the builder uses (POST /admin/media, GET /admin/media.json)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('uploads with the session and X-CSRF-Token, answers 201 JSON, and lists the image for the picker', async () => {
    const { agent, csrf } = await signedInAgent(t, 'editor');
    const res = await agent
      .post('/admin/media')
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', csrf)
      .attach('file', await mediaImages.webp(2400, 1200), 'wide banner.webp')
      .expect(201);
    expect(res.body).toEqual(
      expect.objectContaining({ id: expect.any(String), width: 1200, height: 600, bytes: expect.any(Number) }),
    );
    expect(res.body.url).toMatch(new RegExp(`^${t.config.publicUrl}/media/[0-9a-f]{32}\\.webp$`));
    const list = await agent.get('/admin/media.json').expect(200).expect('content-type', /json/);
    expect(list.body.items[0]).toEqual({
      id: res.body.id,
      url: res.body.url,
      name: 'wide banner.webp',
      mime: 'image/webp',
      width: 1200,
      height: 600,
      bytes: res.body.bytes,
      createdAt: expect.any(String),
    });
  });

  it('refuses an upload without the CSRF token (403) and a viewer (403), and says what is wrong as JSON', async () => {
    const editor = await signedInAgent(t, 'editor');
    const png = await mediaImages.pngLogo(20, 20);
    const noToken = await editor.agent
      .post('/admin/media')
      .set('Accept', 'application/json')
      .attach('file', png, 'x.png')
      .expect(403);
    expect(noToken.body.message).toMatch(/form expired/);
    const viewer = await signedInAgent(t, 'viewer');
    await viewer.agent
      .post('/admin/media')
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', viewer.csrf)
      .attach('file', png, 'x.png')
      .expect(403);
    const bad = await editor.agent
      .post('/admin/media')
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', editor.csrf)
      .attach('file', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'x.svg')
      .expect(415);
    expect(bad.body.message).toMatch(/^SVG images are not taken/);
    // Without a session the scripts get 401 JSON, not the login page.
    const anonymous = await t.http().get('/admin/media.json').set('Accept', 'application/json').expect(401);
    expect(anonymous.body.message).toMatch(/sign in again/);
  });

  it('deletes with DELETE /admin/media/:id and the header (204)', async () => {
    const { agent, csrf } = await signedInAgent(t, 'editor');
    const res = await agent
      .post('/admin/media')
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', csrf)
      .attach('file', await mediaImages.pngLogo(33, 44, '#abcdef80'), 'small.png')
      .expect(201);
    await agent.delete(`/admin/media/${res.body.id}`).set('X-CSRF-Token', csrf).expect(204);
    await t.http().get(new URL(res.body.url).pathname).expect(404);
  });
});

describe('admin: the Media page without script (plain form posts)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('uploads with the token first in the body, then shows the result; a refused file comes back with the reason', async () => {
    const { agent, csrf } = await signedInAgent(t, 'editor');
    const sent = await agent
      .post('/admin/media')
      .field('_csrf', csrf)
      .attach('file', await mediaImages.animatedGif(2), 'wave.gif')
      .expect(303);
    expect(sent.headers.location).toMatch(/^\/admin\/media\?uploaded=[0-9a-f-]{36}$/);
    const page = await agent.get(sent.headers.location).expect(200);
    expect(page.text).toContain('Uploaded wave.gif: 120×80 px');

    const refused = await agent
      .post('/admin/media')
      .field('_csrf', csrf)
      .attach('file', Buffer.alloc(2000, 0x41), 'wave.gif')
      .expect(415);
    expect(refused.text).toContain('file is not an image: send a PNG, JPEG, GIF or WebP image');
    expect(refused.text).toContain('aria-invalid="true"');
  });

  it('refuses, on the page, to delete an image a sent campaign shows', async () => {
    const { agent, csrf } = await signedInAgent(t, 'editor');
    const img = await agent
      .post('/admin/media')
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', csrf)
      .attach('file', await mediaImages.pngLogo(120, 60, '#12345680'), 'masthead.png')
      .expect(201);
    const campaignId = await campaignShowing(t, img.body.url, 'October issue', 'sent');
    expect(campaignId).toEqual(expect.any(String));
    const refused = await agent
      .post(`/admin/media/${img.body.id}/delete`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(409);
    expect(refused.text).toContain('masthead.png is used by campaign &quot;October issue&quot;');
    await t.http().get(new URL(img.body.url).pathname).expect(200);
  });
});

describe('admin UI: the Media page in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await createTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await stopAppAndBrowser(t, browser);
  });

  it('uploads with progress and a clear result, shows thumbnails with sizes, copies the URL, deletes after asking; no serious axe finding', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    await page.goto('/admin');
    await page.getByRole('link', { name: 'Media' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Media');
    await expect(page.getByText('No images yet').count()).resolves.toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Image file').setInputFiles({
      name: 'cover photo.jpg',
      mimeType: 'image/jpeg',
      buffer: await mediaImages.photoWithGps(),
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const status = page.getByRole('status');
    await status.waitFor();
    expect(await status.textContent()).toMatch(/Uploaded cover photo\.jpg: 1200×800 px, \d+ KB\. Its address is http/);
    const item = page.getByRole('listitem').filter({ has: page.getByRole('img', { name: 'cover photo.jpg' }) });
    await expect(item.getByText(/1200×800 px · \d+ KB/).count()).resolves.toBe(1);
    // The thumbnail really loaded (the browser decoded the image).
    const natural = await item.getByRole('img').evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      return img.naturalWidth;
    });
    expect(natural).toBe(1200);

    const url = await item.getByRole('textbox', { name: 'Address of cover photo.jpg' }).inputValue();
    await item.getByRole('button', { name: 'Copy URL of cover photo.jpg' }).click();
    await page.getByText('Copied the address of cover photo.jpg').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    const fetched = await page.request.get(url);
    expect(fetched.headers()['content-type']).toBe('image/jpeg');
    expect((await sharp(await fetched.body()).metadata()).width).toBe(1200);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-media');

    // A refused upload says why beside the field.
    await page.getByLabel('Image file').setInputFiles({
      name: 'notes.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not an image at all'),
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('file is not an image: send a PNG, JPEG, GIF or WebP image').waitFor();
    await expect(page.getByLabel('Image file').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await seriousViolations(page)).toEqual([]);

    // Delete asks first (the dialog is accepted by signedInPage), then the image is gone.
    const asked: string[] = [];
    page.on('dialog', (d) => asked.push(d.message()));
    await item.getByRole('button', { name: 'Delete cover photo.jpg' }).click();
    await page.getByText('Deleted cover photo.jpg').waitFor();
    expect(asked[0]).toMatch(/^Delete cover photo\.jpg\?/);
    await expect(page.getByRole('img', { name: 'cover photo.jpg' }).count()).resolves.toBe(0);
    expect((await page.request.get(url)).status()).toBe(404);
    expect(unexpectedConsoleErrors(consoleErrors, 415, 404)).toEqual([]);
  });

  it('warns before deleting an image only a draft shows, and deletes it when the editor confirms; no serious axe finding', async () => {
    const { page, consoleErrors } = await signedInPage(browser, t, 'editor');
    await page.goto('/admin/media');
    await page.getByLabel('Image file').setInputFiles({
      name: 'teaser.png',
      mimeType: 'image/png',
      buffer: await mediaImages.pngLogo(200, 100, '#aa336680'),
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const item = page.getByRole('listitem').filter({ has: page.getByRole('img', { name: 'teaser.png' }) });
    const url = await item.getByRole('textbox', { name: 'Address of teaser.png' }).inputValue();
    await campaignShowing(t, url, 'November draft', 'draft');

    await item.getByRole('button', { name: 'Delete teaser.png' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'teaser.png is used by draft campaign "November draft"' })
      .waitFor();
    expect((await page.request.get(url)).status()).toBe(200);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Delete teaser.png anyway' }).click();
    await page.getByText('Deleted teaser.png').waitFor();
    expect((await page.request.get(url)).status()).toBe(404);
    expect(unexpectedConsoleErrors(consoleErrors, 409)).toEqual([]);
  });
});
