import sharp from 'sharp';
import { imageEnd } from './image-end';

/** One small image of each format, as sharp (libvips) writes it, progressive JPEG and animated GIF included. */
async function samples() {
  const base = sharp({
    create: {
      width: 64,
      height: 48,
      channels: 3,
      background: '#3366cc',
      noise: { type: 'gaussian', mean: 120, sigma: 30 },
    },
  });
  const png = await base.clone().png().toBuffer();
  const frames = await sharp(png).resize(64, 48).raw().toBuffer();
  return {
    png,
    jpeg: await sharp(png).jpeg({ quality: 80 }).toBuffer(),
    progressiveJpeg: await sharp(png).jpeg({ progressive: true, quality: 80 }).toBuffer(),
    webp: await sharp(png).webp().toBuffer(),
    gif: await sharp(Buffer.concat([frames, frames]), { raw: { width: 64, height: 96, channels: 3, pageHeight: 48 } })
      .gif({ delay: [100, 100] })
      .toBuffer(),
  };
}

describe('imageEnd', () => {
  it('finds the end of each format exactly, with and without bytes appended', async () => {
    const all = await samples();
    const cases = [
      ['png', all.png],
      ['jpeg', all.jpeg],
      ['jpeg', all.progressiveJpeg],
      ['webp', all.webp],
      ['gif', all.gif],
    ] as const;
    for (const [format, data] of cases) {
      expect([format, imageEnd(format, data)]).toEqual([format, data.length]);
      const glued = Buffer.concat([data, Buffer.from('PK\x03\x04 and more', 'latin1')]);
      expect([format, imageEnd(format, glued)]).toEqual([format, data.length]);
    }
  });

  it('says null for a cut-short file', async () => {
    const { png, jpeg, gif } = await samples();
    expect(imageEnd('png', png.subarray(0, png.length - 20))).toBeNull();
    expect(imageEnd('jpeg', jpeg.subarray(0, jpeg.length - 20))).toBeNull();
    expect(imageEnd('gif', gif.subarray(0, gif.length - 20))).toBeNull();
  });
});
