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

/** Options of {@link renderPng}. */
export interface RenderPngOptions {
  /**
   * Seeds the gradient's first colour instead of `seedText` (the fake passes the input images'
   * SHA-256, so an edit's colour comes from the image it edited).
   */
  startSeed?: string | undefined;
  /** `tEXt` chunks to embed, keyword → text (Latin-1; keywords 1–79 characters). Read them with {@link readPngText}. */
  text?: Record<string, string> | undefined;
}

/**
 * A real, valid RGB PNG of `width`×`height`, made with Node's zlib: a soft two-colour gradient whose
 * colours come from `seedText`, so the same prompt and seed always give the same bytes.
 * @example
 * const png = renderPng(512, 512, 'my photo');   // a Buffer, e.g. to upload as an input image
 */
export function renderPng(
  width: number,
  height: number,
  seedText: string,
  options: RenderPngOptions = {},
): Buffer {
  const hash = createHash('sha256').update(seedText).digest();
  const start =
    options.startSeed === undefined ? hash : createHash('sha256').update(options.startSeed).digest();
  const [r1, g1, b1, r2, g2, b2] = [start[0]!, start[1]!, start[2]!, hash[3]!, hash[4]!, hash[5]!];
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
    ...Object.entries(options.text ?? {}).map(([keyword, text]) => textChunk(keyword, text)),
    chunk('IDAT', deflateSync(raw, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function textChunk(keyword: string, text: string): Buffer {
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) || /^ | $/.test(keyword))
    throw new TypeError(
      `PNG text keyword must be 1–79 printable Latin-1 characters: ${JSON.stringify(keyword)}`,
    );
  return chunk(
    'tEXt',
    Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]),
  );
}

/**
 * The `tEXt` chunks of a PNG, keyword → text (`{}` when there are none or it is not a PNG). The
 * fake's outputs of image-input models carry `segmind:inputs` (see {@link fakeImageInputs}).
 */
export function readPngText(data: Uint8Array): Record<string, string> {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: Record<string, string> = {};
  if (buf.length < 8 || buf.readUInt32BE(0) !== 0x89504e47) return out;
  for (let at = 8; at + 12 <= buf.length; ) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const end = at + 8 + length;
    if (end + 4 > buf.length) break;
    if (type === 'tEXt') {
      const zero = buf.indexOf(0, at + 8);
      if (zero > at + 8 && zero < end)
        out[buf.toString('latin1', at + 8, zero)] = buf.toString('latin1', zero + 1, end);
    }
    if (type === 'IEND') break;
    at = end + 4;
  }
  return out;
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
