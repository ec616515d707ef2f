/**
 * Where an image's own data ends, read from its structure (PNG chunks, JPEG segments and scans, GIF blocks, the WebP
 * RIFF size): what follows is not part of the image. null when the structure runs past the end of the buffer
 * (a cut-short file: the decoder then says what is wrong).
 */
export function imageEnd(format: 'png' | 'jpeg' | 'gif' | 'webp', data: Buffer): number | null {
  try {
    const end = { png: pngEnd, jpeg: jpegEnd, gif: gifEnd, webp: webpEnd }[format](data);
    return end !== null && end <= data.length ? end : null;
  } catch {
    return null; // a read past the end (RangeError)
  }
}

function pngEnd(data: Buffer): number | null {
  let i = 8;
  while (i + 8 <= data.length) {
    const length = data.readUInt32BE(i);
    const type = data.toString('latin1', i + 4, i + 8);
    i += 12 + length;
    if (type === 'IEND') return i;
  }
  return null;
}

/** After SOS the entropy-coded data runs until a marker other than a stuffed 0xFF00 or a restart marker. */
function jpegEnd(data: Buffer): number | null {
  let i = 2;
  while (i < data.length) {
    if (data[i] !== 0xff) return null;
    while (data[i] === 0xff) i++;
    const marker = data[i++];
    if (marker === 0xd9) return i;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    i += data.readUInt16BE(i);
    if (marker !== 0xda) continue;
    while (i + 1 < data.length) {
      if (data[i] !== 0xff) i++;
      else if (data[i + 1] === 0x00 || (data[i + 1] >= 0xd0 && data[i + 1] <= 0xd7) || data[i + 1] === 0xff) i++;
      else break;
    }
    if (i + 1 >= data.length) return null;
  }
  return null;
}

function gifEnd(data: Buffer): number | null {
  const colourTable = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  const skipSubBlocks = (at: number) => {
    while (data[at] !== 0) {
      if (at >= data.length) throw new RangeError('past the end');
      at += data[at] + 1;
    }
    return at + 1;
  };
  let i = 13 + colourTable(data[10]);
  while (i < data.length) {
    const block = data[i];
    if (block === 0x3b) return i + 1;
    if (block === 0x21) i = skipSubBlocks(i + 2);
    else if (block === 0x2c) i = skipSubBlocks(i + 10 + colourTable(data[i + 9]) + 1);
    else return null;
  }
  return null;
}

function webpEnd(data: Buffer): number | null {
  const size = data.readUInt32LE(4);
  return 8 + size + (size & 1);
}
