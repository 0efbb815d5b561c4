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
  // Only the body is kept for retries (the files' bytes are not held by the request), as bytes:
  // a 50 MiB image is about 67 MiB of base64, which a string would double.
  const body = uploadBody(files);
  return core.call({ method: 'POST', url, body, billable: false, settings, deadline }, async (res) =>
    urlsFrom(utf8(await res.bytes(ANSWER_LIMIT)), count, url),
  );
}

/** Input bytes base64-encoded per step: a multiple of 3, so the pieces join into one valid text. */
const ENCODE_STEP = 3 * 16 * 1024;
const encoder = new TextEncoder();

/**
 * The request body, `{"data_urls":["data:<type>;base64,…",…]}`, as UTF-8 bytes written straight
 * into one array of its exact size, a few MiB of base64 text at a time: a 50 MiB image never exists
 * as a whole base64 string beside its JSON copy (base64 needs no JSON escaping and the type is
 * checked, so nothing has to be escaped).
 */
export function uploadBody(files: readonly UploadFile[]): Uint8Array {
  const parts = files.map((file, i) => `${i === 0 ? '' : ','}"data:${file.type};base64,`);
  const head = '{"data_urls":[';
  let size = head.length + 2;
  files.forEach((file, i) => {
    size += parts[i]!.length + 4 * Math.ceil(file.bytes.length / 3) + 1;
  });
  const body = new Uint8Array(size);
  let at = encoder.encodeInto(head, body).written;
  files.forEach((file, i) => {
    at += encoder.encodeInto(parts[i]!, body.subarray(at)).written;
    for (let from = 0; from < file.bytes.length; from += ENCODE_STEP) {
      const text = bytesToBase64(file.bytes.subarray(from, from + ENCODE_STEP));
      at += encoder.encodeInto(text, body.subarray(at)).written;
    }
    body[at++] = 0x22; // "
  });
  at += encoder.encodeInto(']}', body.subarray(at)).written;
  if (at !== size) throw new Error(`internal: upload body is ${at} bytes, expected ${size}`);
  return body;
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
