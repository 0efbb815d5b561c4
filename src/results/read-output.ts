import type { JobOutput, OutputItem } from '../jobs/job-types.js';
import { sniffImageType } from './image-result.js';

const BASE64_TEXT = /^[A-Za-z0-9+/\r\n]+={0,2}$/;

/**
 * Tells the items of a job's `output` apart: URLs to download, base64 images (decoded), or text.
 * @example
 * for (const item of readOutput(result.output)) {
 *   if (item.type === 'url') await client.downloadToFile(item.url, 'out.jpg');
 *   else if (item.type === 'base64') await writeFile('out.jpg', item.data);
 * }
 */
export function readOutput(output: JobOutput | unknown): OutputItem[] {
  const items = Array.isArray(output) ? output : [output];
  return items.filter((item): item is string => typeof item === 'string').map(classify);
}

function classify(value: string): OutputItem {
  const trimmed = value.trim();
  if (/^https?:\/\//i.test(trimmed)) return { type: 'url', url: trimmed };
  const dataUrl = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(trimmed);
  if (dataUrl?.[2]) {
    const data = Buffer.from(dataUrl[3] ?? '', 'base64');
    return { type: 'base64', data, contentType: dataUrl[1] ?? sniffImageType(data) };
  }
  if (trimmed.length >= 16 && BASE64_TEXT.test(trimmed)) {
    const data = Buffer.from(trimmed, 'base64');
    return { type: 'base64', data, contentType: sniffImageType(data) };
  }
  return { type: 'text', text: value };
}
