import { ConfigError } from './config-error';
import { parseS3Url } from './s3-config';

describe('parseS3Url (S3_URL)', () => {
  it('reads key, secret, host, bucket, prefix, region and style; s3:// is HTTPS', () => {
    expect(
      parseS3Url(
        's3://AKIA123:se%2Fcr%2Bet@s3.eu-west-1.amazonaws.com/my-news/images/2026?region=eu-west-1&style=virtual',
      ),
    ).toEqual({
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      bucket: 'my-news',
      prefix: 'images/2026/',
      credentials: { accessKeyId: 'AKIA123', secretAccessKey: 'se/cr+et' },
      forcePathStyle: false,
    });
  });

  it('s3+http:// is plain HTTP with a port; path style, us-east-1 and no prefix by default; no key: the SDK default chain', () => {
    expect(parseS3Url('s3+http://minio.internal:9000/media')).toEqual({
      endpoint: 'http://minio.internal:9000',
      region: 'us-east-1',
      bucket: 'media',
      prefix: '',
      credentials: undefined,
      forcePathStyle: true,
    });
    expect(parseS3Url(undefined)).toBeUndefined();
    expect(parseS3Url('  ')).toBeUndefined();
  });

  it.each([
    ['https://host/bucket', /S3_URL must look like s3:\/\//],
    ['s3://host', /S3_URL must name a bucket/],
    ['s3://host/Bad_Bucket', /S3_URL must name a bucket/],
    ['s3://key@host/bucket', /S3_URL must give both key and secret, or neither/],
    ['s3://k:s@host/bucket?style=sideways', /S3_URL style must be "path" or "virtual"/],
    ['s3://k:s@host/bucket?acl=public-read', /S3_URL has an unknown option "acl"/],
    ['not a url', /S3_URL must look like/],
  ])('refuses %s with one line naming S3_URL', (value, message) => {
    expect(() => parseS3Url(value)).toThrow(ConfigError);
    expect(() => parseS3Url(value)).toThrow(message);
  });
});
