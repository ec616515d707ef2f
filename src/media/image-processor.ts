import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import sharp, { Metadata } from 'sharp';
import { imageEnd } from './image-end';
import { MEDIA_LIMITS, MEDIA_TYPES, MediaFormat } from './media-limits';

/** An upload made ready to store: re-encoded, resized, without metadata. */
export interface PreparedImage {
  data: Buffer;
  format: MediaFormat;
  mime: string;
  ext: string;
  width: number;
  height: number;
}

const TAKEN = 'PNG, JPEG, GIF or WebP';

/**
 * Markup that makes a file a polyglot (an image that a browser or a server would also run as HTML, script or PHP).
 * None of these can be a picture's pixels by chance (seven or more given bytes); XMP metadata (`<?xpacket`,
 * `<x:xmpmeta`, `<rdf:RDF`) is not markup of this kind and passes.
 */
const MARKUP = /<(script|html|body|iframe|object|embed|svg)[\s>/]|<\?php|javascript:/i;

/** Other files that could be glued after an image's end (ZIP/JAR, PDF, RAR, 7-Zip, gzip). */
const APPENDED_FILES: Array<[string, Buffer]> = [
  ['a ZIP or JAR archive', Buffer.from('PK\x03\x04', 'latin1')],
  ['a PDF document', Buffer.from('%PDF', 'latin1')],
  ['a RAR archive', Buffer.from('Rar!', 'latin1')],
  ['a 7-Zip archive', Buffer.from('377abcaf271c', 'hex')],
  ['a gzip file', Buffer.from('1f8b08', 'hex')],
];

/**
 * Checks an upload and makes what is stored. The type is read from the bytes (sharp), never from the name or the
 * Content-Type sent. Every image is decoded and encoded again, so only its pixels are kept: EXIF (GPS position,
 * camera serial), XMP, comments and colour profiles are dropped (pixels converted to sRGB), the EXIF orientation is
 * applied first. Animated GIFs and WebPs keep every frame and their timing; they are resized like the others.
 */
export async function prepareImage(upload: Buffer): Promise<PreparedImage> {
  if (upload.length > MEDIA_LIMITS.maxBytes) throw tooLarge(upload.length);
  if (upload.length === 0) throw new BadRequestException('file is empty');
  if (looksLikeSvg(upload))
    throw new UnsupportedMediaTypeException(`SVG images are not taken: they can carry scripts. Send a ${TAKEN} image`);

  let meta: Metadata;
  try {
    meta = await sharp(upload, { animated: true, limitInputPixels: false }).metadata();
  } catch {
    const claimed = claimedFormat(upload);
    if (claimed) throw new BadRequestException(`file starts like a ${claimed} image but is damaged: it cannot be read`);
    throw new UnsupportedMediaTypeException(`file is not an image: send a ${TAKEN} image`);
  }
  const format = meta.format as string;
  if (format === 'svg')
    throw new UnsupportedMediaTypeException(`SVG images are not taken: they can carry scripts. Send a ${TAKEN} image`);
  if (!(format in MEDIA_TYPES))
    throw new UnsupportedMediaTypeException(`file is a ${format.toUpperCase()} image; send a ${TAKEN} image`);
  const type = MEDIA_TYPES[format as MediaFormat];
  const name = format === 'jpeg' ? 'JPEG' : format.toUpperCase();

  checkDimensions(meta, name);
  checkPolyglot(upload, format as MediaFormat, name);

  try {
    const { data, info } = await encode(upload, format as MediaFormat, meta);
    return {
      data,
      format: format as MediaFormat,
      mime: type.mime,
      ext: type.ext,
      width: info.width,
      height: info.pageHeight ?? info.height,
    };
  } catch (err) {
    throw new BadRequestException(
      `file is a damaged ${name} image: it could not be read to the end (${reasonOf(err)})`,
    );
  }
}

function checkDimensions(meta: Metadata, name: string): void {
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  const frames = meta.pages ?? 1;
  if (!width || !height) throw new BadRequestException(`file is a ${name} image without a size: it is damaged`);
  const { maxSide, maxPixels, maxFrames } = MEDIA_LIMITS;
  if (width > maxSide || height > maxSide)
    throw new BadRequestException(
      `image is ${width}×${height} pixels; at most ${maxSide}×${maxSide} is taken (make it smaller first)`,
    );
  if (frames > maxFrames)
    throw new BadRequestException(`animation has ${frames} frames; at most ${maxFrames} are taken`);
  if (width * height * frames > maxPixels)
    throw new BadRequestException(
      `image has ${width * height * frames} pixels${frames > 1 ? ` over ${frames} frames` : ''}; at most ${maxPixels} are taken`,
    );
}

function checkPolyglot(upload: Buffer, format: MediaFormat, name: string): void {
  const markup = MARKUP.exec(upload.toString('latin1'));
  if (markup)
    throw new BadRequestException(
      `file is a ${name} image that also holds HTML or script ("${markup[0].replace(/[^\x20-\x7e]/g, '')}"): such a file is refused`,
    );
  const end = imageEnd(format, upload);
  if (end === null || end >= upload.length) return;
  let rest = upload.subarray(end);
  const padding = rest.findIndex((b) => b !== 0);
  rest = padding < 0 ? Buffer.alloc(0) : rest.subarray(padding);
  // Other trailing bytes (some cameras add their own) are harmless: only the re-encoded pixels are stored.
  for (const [what, signature] of APPENDED_FILES) {
    if (rest.subarray(0, signature.length).equals(signature))
      throw new BadRequestException(
        `file is a ${name} image with ${what} appended after its end: such a file is refused`,
      );
  }
}

async function encode(upload: Buffer, format: MediaFormat, meta: Metadata) {
  const animated = (meta.pages ?? 1) > 1;
  let image = sharp(upload, { animated, limitInputPixels: MEDIA_LIMITS.maxPixels, failOn: 'error' })
    .autoOrient()
    .resize({
      width: MEDIA_LIMITS.storedSide,
      height: MEDIA_LIMITS.storedSide,
      fit: 'inside',
      withoutEnlargement: true,
    });
  if (format === 'jpeg') image = image.jpeg({ quality: 82, mozjpeg: true });
  else if (format === 'png') image = image.png({ compressionLevel: 9, adaptiveFiltering: true });
  else if (format === 'webp') image = image.webp({ quality: 82 });
  else image = image.gif({ effort: 7 });
  return image.toBuffer({ resolveWithObject: true });
}

/** The format a file's first bytes (its "magic number") claim, when it is one of the four taken. */
function claimedFormat(upload: Buffer): string | null {
  const head = upload.subarray(0, 12);
  if (head.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) return 'PNG';
  if (head.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex'))) return 'JPEG';
  if (/^GIF8[79]a/.test(head.toString('latin1'))) return 'GIF';
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'WebP';
  return null;
}

/** An SVG (XML text) sharp might otherwise render: refused for what it can run, not for what it shows. */
function looksLikeSvg(upload: Buffer): boolean {
  const head = upload
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE\s+svg[^>]*>\s*)?<svg[\s>]/i.test(head);
}

function tooLarge(bytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(
    `file is ${(bytes / 1024 / 1024).toFixed(1)} MB; at most ${MEDIA_LIMITS.maxBytes / 1024 / 1024} MB is taken`,
  );
}

function reasonOf(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]
    .slice(0, 200);
}
