import { ConfigError } from './config-error';

/** Where media files go when S3_URL is set: an S3-compatible bucket (README, Media). */
export interface S3Config {
  /** http(s)://host[:port] of the S3 API */
  endpoint: string;
  region: string;
  bucket: string;
  /** key prefix inside the bucket, '' or ending in '/' */
  prefix: string;
  /** undefined: the AWS SDK's default credential chain (environment, instance role…) */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** host/bucket/key (true: MinIO, Ceph, most self-hosted servers) or bucket.host/key (false) */
  forcePathStyle: boolean;
}

const FORMAT = 'must look like s3://KEY:SECRET@HOST[:PORT]/BUCKET[/PREFIX][?region=…&style=path|virtual]';

/**
 * S3_URL: `s3://` speaks HTTPS, `s3+http://` plain HTTP (a server on the same machine or network). Key and secret
 * are percent-encoded like any URL user and password; without them the SDK's default credentials are used.
 */
export function parseS3Url(value: string | undefined): S3Config | undefined {
  if (!value?.trim()) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError('S3_URL', FORMAT);
  }
  const tls = url.protocol === 's3:';
  if (!tls && url.protocol !== 's3+http:') throw new ConfigError('S3_URL', FORMAT);
  if (!url.hostname) throw new ConfigError('S3_URL', `names no host; ${FORMAT}`);
  const [bucket, ...rest] = decodeURIComponent(url.pathname).replace(/^\/+/, '').split('/');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket ?? ''))
    throw new ConfigError('S3_URL', `must name a bucket (3 to 63 lower-case letters, digits, "." or "-"); ${FORMAT}`);
  const prefix = rest.filter(Boolean).join('/');
  const style = url.searchParams.get('style') ?? 'path';
  if (style !== 'path' && style !== 'virtual') throw new ConfigError('S3_URL', 'style must be "path" or "virtual"');
  const unknown = [...url.searchParams.keys()].find((k) => k !== 'region' && k !== 'style');
  if (unknown) throw new ConfigError('S3_URL', `has an unknown option "${unknown}" (region and style are known)`);
  const accessKeyId = decodeURIComponent(url.username);
  const secretAccessKey = decodeURIComponent(url.password);
  if (!!accessKeyId !== !!secretAccessKey) throw new ConfigError('S3_URL', 'must give both key and secret, or neither');
  return {
    endpoint: `${tls ? 'https' : 'http'}://${url.host}`,
    region: url.searchParams.get('region') || 'us-east-1',
    bucket,
    prefix: prefix ? `${prefix}/` : '',
    credentials: accessKeyId ? { accessKeyId, secretAccessKey } : undefined,
    forcePathStyle: style === 'path',
  };
}
