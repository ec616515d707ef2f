#!/usr/bin/env node
/**
 * Media upload benchmark (npm run bench:media, after a build): what checking and re-encoding one image costs.
 *
 * For each case an image is made with sharp, then handed, in a fresh child process each time (so that its peak
 * memory, VmHWM, is that image's alone), to:
 *   - the service's prepareImage (dist/media/image-processor: type from the bytes, limits, polyglot scan, decode,
 *     orientation, resize to 1200 px, re-encode without metadata), and
 *   - the baseline: a bare sharp resize of the same bytes to 1200 px in the same format, the least any resizing
 *     upload must do; the ratio shows what the checks add.
 * The peak includes Node and the loaded modules (about 60 MB before any image).
 * Cases: a 12-megapixel camera JPEG, a PNG of 49 megapixels (just under the 50-million-pixel limit: the worst
 * memory an accepted upload costs), a 100-frame animated GIF, and a 5 KB PNG declaring 60000×60000 pixels (a
 * decompression bomb: refused from its header). Each run REPEAT times (default 3); the median is printed.
 */
'use strict';
const { fork } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { deflateSync, crc32 } = require('node:zlib');

const REPEAT = Number(process.env.REPEAT ?? 3);

if (process.argv[2] === '--child') child();
else
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });

/** One run in a fresh process: {ms, peakMb, outcome}. */
function child() {
  process.once('message', async ({ mode, input }) => {
    // Both loaded before the clock starts: the service's module brings @nestjs/common, a second's load.
    const sharp = require('sharp');
    const { prepareImage } = require('../dist/media/image-processor');
    const data = Buffer.from(input, 'base64');
    const start = process.hrtime.bigint();
    let outcome;
    try {
      if (mode === 'service') {
        const out = await prepareImage(data);
        outcome = `${out.width}×${out.height} ${out.format}, ${Math.round(out.data.length / 1024)} KB`;
      } else {
        const meta = await sharp(data, { animated: true }).metadata();
        const out = await sharp(data, { animated: (meta.pages ?? 1) > 1, limitInputPixels: false })
          .resize({ width: 1200, height: 1200, fit: 'inside', withoutEnlargement: true })
          .toFormat(meta.format)
          .toBuffer({ resolveWithObject: true });
        outcome = `${out.info.width}×${out.info.pageHeight ?? out.info.height} ${out.info.format}, ${Math.round(out.data.length / 1024)} KB`;
      }
    } catch (err) {
      outcome = `refused: ${err.message}`;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1];
    process.send({ ms, peakMb: Math.round(Number(peak) / 1024), outcome });
    process.exit(0);
  });
}

function runOnce(mode, input) {
  return new Promise((resolve, reject) => {
    const c = fork(__filename, ['--child']);
    c.once('message', resolve);
    c.once('error', reject);
    c.send({ mode, input: input.toString('base64') });
  });
}

async function median(mode, input) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await runOnce(mode, input));
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)];
}

async function cases() {
  const sharp = require('sharp');
  const noise = (width, height) =>
    sharp({
      create: { width, height, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 128, sigma: 50 } },
    });
  const frame = await noise(500, 500).raw().toBuffer();
  return [
    ['camera JPEG 4000×3000', await noise(4000, 3000).jpeg({ quality: 90 }).toBuffer()],
    [
      'PNG 7000×7000 (49 Mpx)',
      await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#2563eb' } })
        .png()
        .toBuffer(),
    ],
    [
      'animated GIF 500×500, 100 frames',
      await sharp(Buffer.concat(Array(100).fill(frame)), {
        raw: { width: 500, height: 50000, channels: 3, pageHeight: 500 },
      })
        .gif({ delay: Array(100).fill(100) })
        .toBuffer(),
    ],
    ['PNG bomb declaring 60000×60000', pngBomb(60000, 60000)],
  ];
}

async function main() {
  console.log(`media bench: median of ${REPEAT} runs, each in a fresh process (peak = VmHWM of that process)\n`);
  for (const [name, input] of await cases()) {
    const service = await median('service', input);
    const bare = await median('bare', input);
    console.log(`${name} (${(input.length / 1024 / 1024).toFixed(2)} MB upload)`);
    console.log(
      `  prepareImage:      ${service.ms.toFixed(0).padStart(6)} ms, peak ${String(service.peakMb).padStart(4)} MB  → ${service.outcome}`,
    );
    console.log(
      `  bare sharp resize: ${bare.ms.toFixed(0).padStart(6)} ms, peak ${String(bare.peakMb).padStart(4)} MB  → ${bare.outcome}`,
    );
  }
}

/** A PNG whose header declares width×height grey pixels, with only its first rows present. */
function pngBomb(width, height) {
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  const idat = deflateSync(Buffer.concat(Array(64).fill(Buffer.alloc(1 + width))), { level: 9 });
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
