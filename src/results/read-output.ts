import { isRecord, SegmindError } from '../errors.js';
import type { JobOutput, JobResult, OutputItem } from '../jobs/job-types.js';
import { base64ToBytes } from '../runtime/base64.js';
import { platformBytes } from '../runtime/bytes.js';
import { sniffImageType } from './image-result.js';

const BASE64_TEXT = /^[A-Za-z0-9+/\r\n]+={0,2}$/;
/** How deep readOutput looks into nested lists and objects. */
const MAX_DEPTH = 8;

/**
 * Tells the items of a job's `output` apart: URLs to download, base64 images (decoded), or text.
 * Works on every shape the server sends: a string, a list, or an object such as
 * `{ "image_url": "…" }` (its string values, in order, nested ones included).
 * @example
 * for (const item of readOutput(result.output)) {
 *   if (item.type === 'url') await client.downloadToFile(item.url, 'out.jpg');
 *   else if (item.type === 'base64') await writeFile('out.jpg', item.data);
 * }
 */
export function readOutput(output: JobOutput | unknown): OutputItem[] {
  const items: OutputItem[] = [];
  collect(output, items, 0);
  return items;
}

function collect(value: unknown, into: OutputItem[], depth: number): void {
  if (typeof value === 'string') into.push(classify(value));
  else if (depth >= MAX_DEPTH) return;
  else if (Array.isArray(value)) for (const item of value) collect(item, into, depth + 1);
  else if (isRecord(value)) for (const item of Object.values(value)) collect(item, into, depth + 1);
}

/**
 * The first image of a job's result: a URL to fetch or decoded base64. What `client.download(result)`
 * and `client.downloadToFile(result, path)` use; a result without one is a `SegmindError`.
 */
export function firstOutput(result: JobResult): Exclude<OutputItem, { type: 'text' }> {
  const items = readOutput(isRecord(result) ? result.output : undefined);
  const texts: string[] = [];
  for (const item of items) {
    if (item.type !== 'text') return item;
    texts.push(item.text);
  }
  const found = texts.length ? `only text: ${JSON.stringify(texts[0]?.slice(0, 80))}` : 'nothing';
  throw new SegmindError(
    `This job result has no image URL or base64 output (found ${found}); readOutput(result.output) lists what it has`,
  );
}

function classify(value: string): OutputItem {
  const trimmed = value.trim();
  if (/^https?:\/\//i.test(trimmed)) return { type: 'url', url: trimmed };
  const dataUrl = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(trimmed);
  if (dataUrl?.[2]) {
    const data = platformBytes(base64ToBytes(dataUrl[3] ?? ''));
    return { type: 'base64', data, contentType: dataUrl[1] ?? sniffImageType(data) };
  }
  if (trimmed.length >= 16 && BASE64_TEXT.test(trimmed)) {
    const data = platformBytes(base64ToBytes(trimmed));
    return { type: 'base64', data, contentType: sniffImageType(data) };
  }
  return { type: 'text', text: value };
}
