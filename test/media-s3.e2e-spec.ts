import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { mediaImages } from './support/media-images';
import { S3Server } from './support/s3-server';
import { createTestApp, TestApp } from './support/test-app';

describe('media library in S3-compatible storage (S3_URL, against s3rver)', () => {
  let s3: S3Server;
  let client: S3Client;
  let t: TestApp;
  let editor: string;
  const keys = async () =>
    ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key).sort();

  beforeAll(async () => {
    s3 = await new S3Server().start();
    client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    t = await createTestApp({ S3_URL: s3.url('newsletter/images') });
    editor = await t.tokenFor('editor');
  });
  afterAll(async () => {
    await t?.close();
    client?.destroy();
    await s3?.stop();
  });

  it('stores the resized file as an object under the prefix, serves it from PUBLIC_URL, deletes it', async () => {
    const res = await t
      .http()
      .post('/api/media')
      .set('Authorization', `Bearer ${editor}`)
      .attach('file', await mediaImages.photoWithGps(), 'photo.jpg')
      .expect(201);
    const name = res.body.url.split('/').pop();
    expect(await keys()).toEqual([`newsletter/images/${name}`]);
    const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `newsletter/images/${name}` }));
    expect(object.ContentType).toBe('image/jpeg');
    const stored = Buffer.from(await object.Body!.transformToByteArray());
    expect((await sharp(stored).metadata()).width).toBe(1200);
    // Nothing on the local disk.
    const dir = join(t.db.dataDir, 'media');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);

    const served = await t.http().get(`/media/${name}`).buffer(true).expect(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Buffer.compare(served.body, stored)).toBe(0);

    await t.http().delete(`/api/media/${res.body.id}`).set('Authorization', `Bearer ${editor}`).expect(204);
    expect(await keys()).toEqual([]);
    await t.http().get(`/media/${name}`).expect(404);
  });

  it('puts nothing in the bucket for a refused upload', async () => {
    await t
      .http()
      .post('/api/media')
      .set('Authorization', `Bearer ${editor}`)
      .attach('file', Buffer.concat([await mediaImages.pngLogo(), Buffer.from('<script>x</script>')]), 'x.png')
      .expect(400);
    expect(await keys()).toEqual([]);
  });

  it('answers 503 saying the storage cannot be reached when the bucket is down, and keeps no row', async () => {
    await s3.stop();
    const res = await t
      .http()
      .post('/api/media')
      .set('Authorization', `Bearer ${editor}`)
      .attach('file', await mediaImages.pngLogo(50, 50), 'x.png')
      .expect(503);
    expect(res.body.message).toBe('The media storage cannot be reached just now: try again in a moment');
    const list = await t.http().get('/api/media').set('Authorization', `Bearer ${editor}`).expect(200);
    expect(list.body.total).toBe(0);
    await t
      .http()
      .get(`/media/${'a'.repeat(32)}.png`)
      .expect(503);
  });
});
