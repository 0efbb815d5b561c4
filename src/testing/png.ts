import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A real, valid RGB PNG of `width`×`height`, made with Node's zlib: a soft two-colour gradient whose
 * colours come from `seedText`, so the same prompt and seed always give the same bytes.
 */
export function renderPng(width: number, height: number, seedText: string): Buffer {
  const hash = createHash('sha256').update(seedText).digest();
  const [r1, g1, b1, r2, g2, b2] = [hash[0]!, hash[1]!, hash[2]!, hash[3]!, hash[4]!, hash[5]!];
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    raw[row] = 0; // filter: none
    const ty = height > 1 ? y / (height - 1) : 0;
    for (let x = 0; x < width; x++) {
      const t = (ty + (width > 1 ? x / (width - 1) : 0)) / 2;
      const at = row + 1 + x * 3;
      raw[at] = r1 + (r2 - r1) * t;
      raw[at + 1] = g1 + (g2 - g1) * t;
      raw[at + 2] = b1 + (b2 - b1) * t;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Width and height of a PNG, read from its IHDR chunk; `undefined` if it is not a PNG. */
export function pngSize(data: Uint8Array):
  | {
      /** Pixels. */
      width: number;
      /** Pixels. */
      height: number;
    }
  | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 24 || buf.readUInt32BE(0) !== 0x89504e47 || buf.toString('latin1', 12, 16) !== 'IHDR') {
    return undefined;
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** The pixel size for an aspect ratio like `16:9` at about one megapixel, in multiples of 8. */
export function sizeForAspectRatio(ratio: string): {
  /** Pixels, a multiple of 8. */
  width: number;
  /** Pixels, a multiple of 8. */
  height: number;
} {
  const [w, h] = ratio.split(':').map(Number) as [number, number];
  const width = Math.round(Math.sqrt((1024 * 1024 * w) / h) / 8) * 8;
  const height = Math.round(Math.sqrt((1024 * 1024 * h) / w) / 8) * 8;
  return { width, height };
}
