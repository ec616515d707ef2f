import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { MediaRepository } from '../src/media/media.repository';
import { sendCampaign } from './support/campaign-mail';
import { makeApiKey, makeList, makeSubscriber, uniqueTag } from './support/factories';
import { mediaImages, pngBomb } from './support/media-images';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp, TestApp } from './support/test-app';

/** The files under DATA_DIR/media (temporary upload files included). */
const filesIn = (t: TestApp) => {
  const dir = join(t.db.dataDir, 'media');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

describe('media library API (POST/GET/DELETE /api/media, GET /media/:name)', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let editor: string;
  let viewer: string;
  const auth = () => ({ Authorization: `Bearer ${editor}` });
  const upload = (data: Buffer, name = 'picture.png', token = editor) =>
    t.http().post('/api/media').set('Authorization', `Bearer ${token}`).attach('file', data, name);

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await createTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'News <news@shop.example>' });
    editor = await t.tokenFor('editor');
    viewer = await t.tokenFor('viewer');
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('takes a camera JPEG: 201 {id,url,width,height,bytes}, resized to 1200 px, EXIF and GPS gone, served for a year', async () => {
    const photo = await mediaImages.photoWithGps();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const res = await upload(photo, 'holiday.jpg').expect(201);
    expect(res.body).toEqual(
      expect.objectContaining({ id: expect.any(String), width: 1200, height: 800, bytes: expect.any(Number) }),
    );
    expect(res.body.url).toMatch(new RegExp(`^${t.config.publicUrl}/media/[0-9a-f]{32}\\.jpg$`));

    const served = await t.http().get(new URL(res.body.url).pathname).buffer(true).expect(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(served.body.length).toBe(res.body.bytes);
    const meta = await sharp(served.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1200, 800]);
    expect(meta.exif).toBeUndefined();
    expect(served.body.includes('MediaTestCam')).toBe(false);
    const head = await t.http().head(new URL(res.body.url).pathname).expect(200);
    expect(head.headers['content-length']).toBe(String(res.body.bytes));
    // An unchanged file answers 304 to a revalidation.
    await t.http().get(new URL(res.body.url).pathname).set('If-None-Match', served.headers.etag).expect(304);
  });

  it('keeps PNG transparency, WebP as WebP, and every frame of an animated GIF', async () => {
    const png = await upload(await mediaImages.pngLogo(), 'logo.png').expect(201);
    expect([png.body.width, png.body.height]).toEqual([400, 200]);
    const pngFile = await t.http().get(new URL(png.body.url).pathname).buffer(true).expect(200);
    expect(pngFile.headers['content-type']).toBe('image/png');
    expect((await sharp(pngFile.body).metadata()).hasAlpha).toBe(true);

    const webp = await upload(await mediaImages.webp(), 'banner.webp').expect(201);
    expect(webp.body.url).toMatch(/\.webp$/);
    const webpFile = await t.http().get(new URL(webp.body.url).pathname).buffer(true).expect(200);
    expect(webpFile.headers['content-type']).toBe('image/webp');

    const gif = await upload(await mediaImages.animatedGif(3), 'spinner.gif').expect(201);
    expect([gif.body.width, gif.body.height]).toEqual([120, 80]);
    const gifFile = await t.http().get(new URL(gif.body.url).pathname).buffer(true).expect(200);
    expect(gifFile.headers['content-type']).toBe('image/gif');
    const meta = await sharp(gifFile.body, { animated: true }).metadata();
    expect([meta.pages, meta.pageHeight]).toEqual([3, 80]);

    const animatedWebp = await sharp(await mediaImages.animatedGif(4, 1600, 100), { animated: true })
      .webp()
      .toBuffer();
    const moving = await upload(animatedWebp, 'moving.webp').expect(201);
    expect([moving.body.width, moving.body.height]).toEqual([1200, 75]);
    const movingFile = await t.http().get(new URL(moving.body.url).pathname).buffer(true).expect(200);
    const movingMeta = await sharp(movingFile.body, { animated: true }).metadata();
    expect([movingMeta.format, movingMeta.pages, movingMeta.pageHeight]).toEqual(['webp', 4, 75]);
  });

  it('reads the type from the bytes, not the name or Content-Type', async () => {
    const res = await t
      .http()
      .post('/api/media')
      .set(auth())
      .attach('file', await mediaImages.pngLogo(300, 100, '#ff000080'), {
        filename: 'photo.jpg',
        contentType: 'image/jpeg',
      })
      .expect(201);
    expect(res.body.url).toMatch(/\.png$/);
    const file = await t.http().get(new URL(res.body.url).pathname).expect(200);
    expect(file.headers['content-type']).toBe('image/png');
  });

  it('stores the same image once: a second upload answers the same entry', async () => {
    const logo = await mediaImages.pngLogo(250, 250, '#11223380');
    const first = await upload(logo, 'a.png').expect(201);
    const before = filesIn(t).length;
    const second = await upload(logo, 'copy of a.png').expect(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.url).toBe(first.body.url);
    expect(filesIn(t).length).toBe(before);
  });

  it('stores one entry and one file for the same image sent three times at once', async () => {
    const logo = await mediaImages.pngLogo(260, 130, '#33221180');
    const before = filesIn(t).length;
    const answers = await Promise.all([1, 2, 3].map((n) => upload(logo, `same-${n}.png`).expect(201)));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(filesIn(t).length).toBe(before + 1);
  });

  describe('refuses bad input with a clear 4xx and stores nothing', () => {
    let rowsBefore: number;
    let filesBefore: string[];
    beforeEach(async () => {
      rowsBefore = (await t.app.get(MediaRepository).page(0, 1))[1];
      filesBefore = filesIn(t);
    });
    afterEach(async () => {
      expect((await t.app.get(MediaRepository).page(0, 1))[1]).toBe(rowsBefore);
      expect(filesIn(t)).toEqual(filesBefore);
    });

    it('a text file', async () => {
      const res = await upload(Buffer.from('name,email\nAda,ada@example.com\n'), 'list.png').expect(415);
      expect(res.body.message).toBe('file is not an image: send a PNG, JPEG, GIF or WebP image');
    });

    it('a PNG header on garbage', async () => {
      const png = await mediaImages.pngLogo();
      const garbage = Buffer.concat([png.subarray(0, 33), Buffer.alloc(4000, 0x5a)]);
      const res = await upload(garbage, 'broken.png').expect(400);
      expect(res.body.message).toMatch(/PNG image .*damaged/);
    });

    it('a cut-short JPEG', async () => {
      const photo = await mediaImages.photoWithGps();
      const res = await upload(photo.subarray(0, Math.floor(photo.length / 2)), 'half.jpg').expect(400);
      expect(res.body.message).toMatch(/damaged JPEG/);
    });

    it('a file of 10 MB and one byte', async () => {
      const res = await upload(Buffer.alloc(10 * 1024 * 1024 + 1, 1), 'big.png').expect(413);
      expect(res.body.message).toBe('file is larger than 10 MB, the most an image may be');
    });

    it('a decompression bomb (a small PNG declaring 60000×60000 pixels)', async () => {
      const bomb = pngBomb(60000, 60000);
      expect(bomb.length).toBeLessThan(100_000);
      const res = await upload(bomb, 'bomb.png').expect(400);
      expect(res.body.message).toBe('image is 60000×60000 pixels; at most 8000×8000 is taken (make it smaller first)');
    });

    it('an image within the side limit but over the pixel limit (7999×7999)', async () => {
      const res = await upload(pngBomb(7999, 7999), 'wide.png').expect(400);
      expect(res.body.message).toMatch(/^image has 63984001 pixels; at most 50000000 are taken/);
    });

    it('a polyglot: a GIF that is also HTML with a script', async () => {
      const gif = await mediaImages.animatedGif(1);
      const poly = Buffer.concat([gif, Buffer.from('<html><script>alert(document.cookie)</script></html>')]);
      const res = await upload(poly, 'innocent.gif').expect(400);
      expect(res.body.message).toMatch(/^file is a GIF image that also holds HTML or script/);
    });

    it('a polyglot: a JPEG with a ZIP archive appended', async () => {
      const photo = await sharp(await mediaImages.pngLogo())
        .jpeg()
        .toBuffer();
      const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 7)]);
      const res = await upload(Buffer.concat([photo, zip]), 'photo.jpg').expect(400);
      expect(res.body.message).toBe(
        'file is a JPEG image with a ZIP or JAR archive appended after its end: such a file is refused',
      );
    });

    it('an SVG (it can carry scripts)', async () => {
      const svg =
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
      const res = await upload(Buffer.from(svg), 'logo.png').expect(415);
      expect(res.body.message).toMatch(/^SVG images are not taken: they can carry scripts/);
    });

    it('another image type (TIFF)', async () => {
      const tiff = await sharp(await mediaImages.pngLogo())
        .tiff()
        .toBuffer();
      const res = await upload(tiff, 'scan.tif').expect(415);
      expect(res.body.message).toBe('file is a TIFF image; send a PNG, JPEG, GIF or WebP image');
    });

    it('no file, or the file in another field', async () => {
      const none = await t.http().post('/api/media').set(auth()).field('note', 'x').expect(400);
      expect(none.body.message).toBe('file is required: send the image as the multipart field "file"');
      const other = await t
        .http()
        .post('/api/media')
        .set(auth())
        .attach('image', await mediaImages.pngLogo(), 'x.png')
        .expect(400);
      expect(other.body.message).toBe('send one image as the multipart field "file", and nothing else');
    });

    it('JSON instead of multipart', async () => {
      const res = await t.http().post('/api/media').set(auth()).send({ file: 'x' }).expect(415);
      expect(res.body.message).toMatch(/^Content-Type must be multipart\/form-data/);
    });

    it('viewers and API keys (no scope covers media)', async () => {
      await upload(await mediaImages.pngLogo(10, 10), 'v.png', viewer).expect(403);
      const key = await makeApiKey(t, ['subscribers:write', 'transactional:send']);
      await upload(await mediaImages.pngLogo(10, 10), 'k.png', key).expect(403);
      await t.http().post('/api/media').attach('file', Buffer.from('x'), 'x.png').expect(401);
    });
  });

  it('lists newest first with paging, for viewers too', async () => {
    const a = await upload(await mediaImages.pngLogo(31, 31, '#01020380'), 'first.png').expect(201);
    const b = await upload(await mediaImages.pngLogo(32, 32, '#01020380'), 'Café – été.png').expect(201);
    const page = await t.http().get('/api/media?limit=2').set('Authorization', `Bearer ${viewer}`).expect(200);
    expect(page.body).toEqual({ items: expect.any(Array), total: expect.any(Number), page: 1, limit: 2 });
    expect(page.body.items.map((i: { id: string }) => i.id)).toEqual([b.body.id, a.body.id]);
    expect(page.body.items[0]).toEqual(
      expect.objectContaining({ name: 'Café – été.png', mime: 'image/png', width: 32, height: 32 }),
    );
  });

  it('documents the routes in the OpenAPI page (multipart upload, the answer, signed-in users only)', async () => {
    const docs = await t.http().get('/api/docs-json').expect(200);
    const media = docs.body.paths['/api/media'];
    expect(Object.keys(media.post.requestBody.content)).toEqual(['multipart/form-data']);
    expect(media.post.responses['201'].content['application/json'].schema.$ref).toMatch(/MediaView$/);
    expect(media.post['x-api-key-scopes']).toBeUndefined();
    expect(docs.body.paths['/api/media/{id}'].delete).toBeDefined();
    expect(docs.body.paths['/media/{name}']).toBeUndefined();
  });

  it('serves nothing outside the library: unknown names, traversal, other files of DATA_DIR', async () => {
    const name = `${'0'.repeat(32)}.png`;
    await t.http().get(`/media/${name}`).expect(404);
    for (const path of ['/media/..%2Fapp.sqlite', '/media/..%2Fsecret', '/media/%2e%2e%2fsecret', '/media/.upload-x'])
      await t.http().get(path).expect(404);
  });

  it('deletes an unused image: the row and the file go, the URL answers 404', async () => {
    const res = await upload(await mediaImages.pngLogo(77, 77, '#44556680'), 'gone.png').expect(201);
    const file = res.body.url.split('/').pop();
    expect(filesIn(t)).toContain(file);
    await t.http().delete(`/api/media/${res.body.id}`).set('Authorization', `Bearer ${viewer}`).expect(403);
    await t.http().delete(`/api/media/${res.body.id}`).set(auth()).expect(204);
    expect(filesIn(t)).not.toContain(file);
    await t.http().get(new URL(res.body.url).pathname).expect(404);
    await t.http().delete(`/api/media/${res.body.id}`).set(auth()).expect(404);
    await t.http().delete('/api/media/not-a-uuid').set(auth()).expect(400);
  });

  it('refuses (409, naming them, force or not) to delete an image a sent campaign or a template shows', async () => {
    const tag = uniqueTag();
    const img = await upload(await mediaImages.pngLogo(600, 300, '#ff660080'), 'hero.png').expect(201);
    const mjml = `<mjml><mj-body><mj-section><mj-column><mj-image src="${img.body.url}" alt="Hero"></mj-image><mj-text>Hello {{subscriber.name}}</mj-text></mj-column></mj-section></mj-body></mjml>`;
    const list = await makeList(t);
    const email = `reader-${tag}@example.com`;
    await makeSubscriber(t, { email, name: 'Reader', lists: { [list.id]: 'confirmed' } });
    const draft = await t
      .http()
      .post('/api/campaigns')
      .set(auth())
      .send({ name: `Draft ${tag}`, subject: 'Draft', mjml, listIds: [list.id] })
      .expect(201);
    const sent = await sendCampaign(t, sink, editor, { name: `Issue ${tag}`, mjml, listIds: [list.id] }, 1);
    // The mail shows the picture, and its address answers the picture.
    const html = sent.mails.get(email)!.parsed.html as string;
    expect(html).toContain(`src="${img.body.url}"`);
    await t.http().get(new URL(img.body.url).pathname).expect(200).expect('content-type', 'image/png');

    const refused = await t.http().delete(`/api/media/${img.body.id}`).set(auth()).expect(409);
    expect(refused.body.message).toBe(
      `hero.png is used by campaign "Issue ${tag}": mail that shows it would lose the picture, so it stays`,
    );
    expect(refused.body.campaigns).toEqual([{ id: sent.id, name: `Issue ${tag}` }]);
    expect(refused.body.campaigns.map((c: { id: string }) => c.id)).not.toContain(draft.body.id);
    // force does not override this: mail already out shows the picture
    await t.http().delete(`/api/media/${img.body.id}?force=true`).set(auth()).expect(409);
    await t.http().get(new URL(img.body.url).pathname).expect(200);

    const other = await upload(await mediaImages.pngLogo(64, 64, '#00ff6680'), 'badge.png').expect(201);
    const template = await t
      .http()
      .post('/api/templates')
      .set(auth())
      .send({ name: `Layout ${tag}`, kind: 'campaign', subject: 'S', mjml: mjml.replace(img.body.url, other.body.url) })
      .expect(201);
    const byTemplate = await t.http().delete(`/api/media/${other.body.id}`).set(auth()).expect(409);
    expect(byTemplate.body.templates).toEqual([{ id: template.body.id, name: `Layout ${tag}` }]);
    expect(byTemplate.body.message).toMatch(`template "Layout ${tag}"`);
  });

  it('warns (409, naming them) before deleting an image only a draft or an earlier template version shows; force=true deletes it', async () => {
    const tag = uniqueTag();
    const img = await upload(await mediaImages.pngLogo(300, 120, '#3366ff80'), 'banner.png').expect(201);
    const mjml = `<mjml><mj-body><mj-section><mj-column><mj-image src="${img.body.url}" alt="Banner"></mj-image></mj-column></mj-section></mj-body></mjml>`;
    const list = await makeList(t);
    const draft = await t
      .http()
      .post('/api/campaigns')
      .set(auth())
      .send({ name: `Draft ${tag}`, subject: 'Draft', mjml, listIds: [list.id] })
      .expect(201);
    // A template that showed it once: its current version no longer does.
    const template = await t
      .http()
      .post('/api/templates')
      .set(auth())
      .send({ name: `Old layout ${tag}`, kind: 'campaign', subject: 'S', mjml })
      .expect(201);
    await t
      .http()
      .patch(`/api/templates/${template.body.id}`)
      .set(auth())
      .send({ mjml: mjml.replace(/<mj-image[^>]*><\/mj-image>/, '<mj-text>No picture now</mj-text>') })
      .expect(200);

    const warned = await t.http().delete(`/api/media/${img.body.id}`).set(auth()).expect(409);
    expect(warned.body).toMatchObject({
      message: `banner.png is used by draft campaign "Draft ${tag}", an earlier version of template "Old layout ${tag}": they would show a broken picture if sent or restored`,
      campaigns: [],
      templates: [],
      drafts: [{ id: draft.body.id, name: `Draft ${tag}` }],
      olderTemplateVersions: [{ id: template.body.id, name: `Old layout ${tag}` }],
      forceable: true,
    });
    await t.http().get(new URL(img.body.url).pathname).expect(200);
    const badForce = await t.http().delete(`/api/media/${img.body.id}?force=yes`).set(auth()).expect(400);
    expect(JSON.stringify(badForce.body.message)).toContain('force must be true or false');

    await t.http().delete(`/api/media/${img.body.id}?force=true`).set(auth()).expect(204);
    await t.http().get(new URL(img.body.url).pathname).expect(404);
    await t.http().get(`/api/media/${img.body.id}`).set(auth()).expect(404);
  });

  it('leaves no file behind when the row cannot be written', async () => {
    const db = t.app.get(DataSource);
    const before = filesIn(t);
    await db.query('ALTER TABLE media RENAME TO media_away');
    try {
      const res = await upload(await mediaImages.pngLogo(91, 19, '#99999980'), 'lost.png').expect(500);
      expect(res.body.message).toMatch(/^Something went wrong \(error id /);
    } finally {
      await db.query('ALTER TABLE media_away RENAME TO media');
    }
    expect(filesIn(t)).toEqual(before);
  });
});
