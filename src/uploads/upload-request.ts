import { isRecord, SegmindError } from '../errors.js';
import type { Core } from '../http/core.js';
import type { CallSettings } from '../options/request-options.js';
import { bytesToBase64 } from '../runtime/base64.js';
import { utf8 } from '../runtime/bytes.js';
import { parseJson } from '../util/json.js';

/** One file of an upload request. */
export interface UploadFile {
  /** Media type, already checked to be safe inside a data URL (`image/png`). */
  type: string;
  bytes: Uint8Array;
}

/** Largest answer read from storage: a few URLs. */
const ANSWER_LIMIT = 1024 * 1024;
/** Characters of an unusable answer quoted in the error. */
const EXCERPT = 200;

/**
 * Uploads `files` to Segmind storage in one request and returns their URLs, in order:
 * `POST {uploadURL}` with `{"data_urls": ["data:<type>;base64,…", …]}`, answered
 * `{"file_urls": [...]}` (or `{"urls": [...]}`). An upload bills nothing, so it is retried like a
 * GET (`billable: false`); the key goes with it because `uploadURL` is a key origin.
 */
export function postUpload(
  core: Core,
  files: readonly UploadFile[],
  settings: CallSettings,
  deadline?: number,
): Promise<string[]> {
  const url = core.options.uploadURL;
  const count = files.length;
  // Only the body is kept for retries: the files' bytes are not held by the request.
  return core.call(
    { method: 'POST', url, body: uploadBody(files), billable: false, settings, deadline },
    async (res) => urlsFrom(utf8(await res.bytes(ANSWER_LIMIT)), count, url),
  );
}

/**
 * The request body, built by concatenation: base64 needs no JSON escaping and the type is checked,
 * so the one large string is the base64 text itself (JSON.stringify would copy it again).
 */
export function uploadBody(files: readonly UploadFile[]): string {
  let body = '{"data_urls":[';
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    body += `${i === 0 ? '' : ','}"data:${file.type};base64,${bytesToBase64(file.bytes)}"`;
  }
  return `${body}]}`;
}

/** The URLs of a storage answer: `count` http(s) URLs, else a `SegmindError` quoting the answer. */
export function urlsFrom(text: string, count: number, where: URL): string[] {
  const body = parseJson(text);
  const list = isRecord(body) ? (body.file_urls ?? body.urls) : undefined;
  const usable =
    Array.isArray(list) && list.length === count && list.every((u) => typeof u === 'string' && isWebURL(u));
  if (!usable) {
    const got = text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
    throw new SegmindError(
      `Segmind storage (POST ${where.href}) answered without ${count === 1 ? 'a file URL' : `${count} file URLs`} (expected {"file_urls": [...]}); got: ${got || '(empty body)'}`,
    );
  }
  return list as string[];
}

function isWebURL(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
