import { createHash, randomUUID } from 'node:crypto';
import { extensionFor } from '../uploads/image-format.js';
import type { RecordedRequest } from './fetch-server.js';

/** A file uploaded to the fake's storage (`POST /upload-asset`), as `server.uploads` lists it. */
export interface MockUpload {
  /** Where the fake serves it (`<server.url>/assets/<id>.<ext>`): what the upload answered. */
  url: string;
  /** The media type its data URL declared, e.g. `image/png`. */
  contentType: string;
  /** Bytes, decoded. */
  size: number;
  /** SHA-256 of the bytes, lowercase hex: compare with what a fake output says it was made from. */
  sha256: string;
  /** When it was uploaded (ms since epoch). */
  at: number;
}

/** A stored file's bytes and facts. */
export interface StoredAsset extends MockUpload {
  bytes: Buffer;
}

const json = (body: unknown, status = 200) => Response.json(body, { status });

/** `data:<type>[;param=value]*;base64,<payload>`, strict: a media type and canonical base64. */
const DATA_URL =
  /^data:([a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*)((?:;[^;,]+=[^;,]*)*);base64,(.*)$/is;

/**
 * The fake's Segmind storage: `POST /upload-asset` takes `{"data_urls": [...]}` and answers
 * `{"file_urls": [...]}`, like `workflows-api.segmind.com/upload-asset`; each upload is a new
 * asset (as on Segmind, uploads are not idempotent), served back at `GET /assets/<id>.<ext>`.
 * Assets outlive `server.reset()` (storage is persistent), the upload log does not.
 */
export class FakeStorage {
  /** The upload log, oldest first (`server.uploads`). */
  readonly uploads: MockUpload[] = [];
  readonly #assets = new Map<string, StoredAsset>();

  /** Answers an upload whose key was already accepted. `base` is the server's origin. */
  upload(req: RecordedRequest, base: string): Response {
    if (!req.headers['content-type']?.includes('application/json')) {
      return new Response('Invalid content type', { status: 406 });
    }
    const body = req.json as { data_urls?: unknown } | undefined;
    const list = typeof body === 'object' && body !== null ? body.data_urls : undefined;
    if (!Array.isArray(list) || list.length === 0) {
      return json({ error: 'data_urls must be a non-empty list of data URLs' }, 400);
    }
    const decoded: Array<{ type: string; bytes: Buffer }> = [];
    for (const [i, item] of list.entries()) {
      const file = typeof item === 'string' ? decodeDataURL(item) : undefined;
      if (!file) {
        return json({ error: `data_urls[${i}] is not a base64 data URL (data:<type>;base64,<data>)` }, 400);
      }
      decoded.push(file);
    }
    // All or nothing: a bad item stores none of the request's files.
    const urls = decoded.map(({ type, bytes }) => {
      const path = `/assets/${randomUUID()}.${extensionFor(type)}`;
      const asset: StoredAsset = {
        url: `${base}${path}`,
        contentType: type,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        at: Date.now(),
        bytes,
      };
      this.#assets.set(path, asset);
      const { bytes: _, ...logged } = asset;
      this.uploads.push(logged);
      return asset.url;
    });
    return json({ file_urls: urls, message: 'Files uploaded successfully' });
  }

  /** The stored file at `path` (`/assets/…`), or `undefined`. */
  get(path: string): StoredAsset | undefined {
    return this.#assets.get(path);
  }

  /** `GET /assets/<name>`: the bytes as uploaded, or 404. */
  serve(path: string): Response {
    const asset = this.#assets.get(path);
    if (!asset) return json({ error: `No asset at ${path}` }, 404);
    return new Response(asset.bytes, {
      headers: { 'content-type': asset.contentType, 'content-length': String(asset.size) },
    });
  }

  /** Clears the upload log; the assets stay served (as Segmind's storage keeps them). */
  reset(): void {
    this.uploads.length = 0;
  }
}

function decodeDataURL(text: string): { type: string; bytes: Buffer } | undefined {
  const match = DATA_URL.exec(text);
  if (!match) return undefined;
  const payload = match[3]!;
  if (!isCanonicalBase64(payload)) return undefined;
  const bytes = Buffer.from(payload, 'base64');
  return bytes.length > 0 ? { type: match[1]!.toLowerCase(), bytes } : undefined;
}

// Standard alphabet, length a multiple of 4, `=` only as the last one or two characters. Checked
// without a backtracking pattern: payloads are tens of megabytes.
function isCanonicalBase64(text: string): boolean {
  if (text.length % 4 !== 0 || /[^A-Za-z0-9+/=]/.test(text)) return false;
  const pad = text.indexOf('=');
  return pad === -1 || (pad >= text.length - 2 && (pad === text.length - 1 || text[text.length - 1] === '='));
}
