import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';

/**
 * Test images made with sharp (libvips), as a camera or an editor's program would write them: a photo-like JPEG with
 * EXIF (camera, GPS position), a PNG with transparency, an animated GIF, a WebP.
 */
export const mediaImages = {
  /** 3000×2000 gradient-and-noise JPEG carrying EXIF Make and a GPS position */
  async photoWithGps(): Promise<Buffer> {
    const width = 3000;
    const height = 2000;
    const noise = await sharp({
      create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .png()
      .toBuffer();
    return sharp(noise)
      .composite([{ input: Buffer.from(gradientSvg(width, height)), blend: 'overlay' }])
      .jpeg({ quality: 90 })
      .withExif({
        IFD0: { Make: 'MediaTestCam', Model: 'Secret Model 7' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '48/1 51/1 30/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '2/1 21/1 7/1',
        },
      })
      .toBuffer();
  },
  /** a small PNG with an alpha channel */
  pngLogo(width = 400, height = 200, colour = '#2563eb80'): Promise<Buffer> {
    return sharp({ create: { width, height, channels: 4, background: colour } })
      .png()
      .toBuffer();
  },
  /** an animated GIF of `frames` frames, each a different colour */
  async animatedGif(frames = 3, width = 120, height = 80): Promise<Buffer> {
    const colours = ['#ff0000', '#00ff00', '#0000ff', '#ffff00'];
    const strip = await sharp({
      create: { width, height: height * frames, channels: 4, background: '#ffffff' },
    })
      .composite(
        Array.from({ length: frames }, (_, i) => ({
          input: { create: { width, height, channels: 4 as const, background: colours[i % colours.length] } },
          top: i * height,
          left: 0,
        })),
      )
      .raw()
      .toBuffer();
    return sharp(strip, { raw: { width, height: height * frames, channels: 4, pageHeight: height } })
      .gif({ delay: Array(frames).fill(200), loop: 0 })
      .toBuffer();
  },
  webp(width = 900, height = 600): Promise<Buffer> {
    return sharp({ create: { width, height, channels: 3, background: '#10b981' } })
      .webp()
      .toBuffer();
  },
};

function gradientSvg(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#f59e0b"/><stop offset="1" stop-color="#1e3a8a"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
}

/**
 * A PNG declaring `width`×`height` grey pixels, written by hand: a few kilobytes whose header promises gigabytes
 * once decoded (a decompression bomb). Only the first rows are really there: the header is what a checker must read.
 */
export function pngBomb(width: number, height: number): Buffer {
  const row = Buffer.alloc(1 + width); // filter byte + one grey byte per pixel
  const idat = deflateSync(Buffer.concat(Array(Math.min(height, 64)).fill(row)), { level: 9 });
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (grey) and the rest stay 0
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}
