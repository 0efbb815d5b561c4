// Section 3, in a fresh process: the same warm-up every time, then one large operation or none (the
// baseline), then how far the resident set rose above where it stood when the operation began.
// bench/run.ts compares processes that ran the operation with processes that did not (median of
// each). The peak is Linux's VmHWM, reset after the warm-up (/proc/self/clear_refs), so the
// warm-up's own high-water mark cannot hide the operation, as the lifetime maxRSS would. run.ts
// starts it as plain node (a TypeScript loader's thread and heap would blur the figure) with
// `--expose-gc --single-threaded-gc --max-semi-space-size=1` and MALLOC_MMAP_THRESHOLD_=65536: the
// warm-up's garbage goes back to the system before the measurement, and buffers freed during it
// leave the resident set when the collector frees them, so what remains is what the operation holds.
import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

// Plain JavaScript run by plain node: a TypeScript loader's own thread and heap would blur the figure.
const { SegmindClient } = await import(new URL('../dist/index.js', import.meta.url).href);

/** The process's resident set now and its high-water mark, in bytes (Linux), or undefined. */
function residentSet() {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * The deliberate regression: an interceptor that keeps a copy of every chunk of the answer as it
 * passes (and hands the original on), as a read that copied the body once more would. The copies
 * stay alive to the end of the process, like a result held by the caller. The section must report
 * it as a miss, or it could not catch one.
 */
const copies = [];
const copyEveryChunk = (dispatch) => (options, handler) =>
  dispatch(options, {
    onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
    onRequestUpgrade: (controller, status, headers, socket) =>
      handler.onRequestUpgrade?.(controller, status, headers, socket),
    onResponseStart: (controller, status, headers, message) =>
      handler.onResponseStart?.(controller, status, headers, message),
    onResponseData: (controller, chunk) => {
      copies.push(Buffer.from(chunk));
      return handler.onResponseData?.(controller, chunk);
    },
    onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
    onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
  });

{
  const [mode, url, size] = process.argv.slice(2);
  const agent = new Agent();
  // Every mode sends through a dispatcher of its own, so only the interceptor differs.
  const client = new SegmindClient({
    apiKey: 'SG_bench0000000000000',
    baseURL: url,
    logLevel: 'off',
    dispatcher: mode === 'bytes-extra-copy' ? new Agent().compose(copyEveryChunk) : new Agent(),
  });
  const file = join(tmpdir(), `segmind-bench-${process.pid}.bin`);

  // Warm-up, the same in every mode: undici builds its parser and pool, V8 compiles the paths the
  // operations take (with 2 MiB payloads: above the 1 MiB small-body path, far below 16 MiB).
  for (let i = 0; i < 3; i++) {
    await client.runSync('flux-schnell', { prompt: 'warm up' });
    await client.runSync('bench-bytes-2m', { prompt: 'x' });
    await client.runSync('bench-base64-2m', { prompt: 'x' });
  }
  await client.downloadToFile(`${url}/outputs/stream-1`, file);
  await pipeline(
    (await request(`${url}/outputs/stream-1`, { dispatcher: agent })).body,
    createWriteStream(file),
  );
  // Let the warm-up's garbage go back to the system, then start the high-water mark afresh.
  const gc = globalThis.gc;
  for (let i = 0; i < 2; i++) {
    gc?.();
    await sleep(300);
  }
  let resetPeak = false;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    resetPeak = true;
  } catch {
    // Not Linux: the lifetime peak below includes the warm-up's.
  }
  const before = residentSet();

  let bytes = 0;
  // Held until the peak is read, as a caller holds a result.
  const held = [];
  if (mode === 'bytes' || mode === 'bytes-extra-copy') {
    const image = await client.runSync('bench-bytes-16m', { prompt: 'x' });
    held.push(image.data);
    bytes = image.data.length;
  }
  if (mode === 'base64') {
    const image = await client.runSync('bench-base64-16m', { prompt: 'x' });
    held.push(image.data);
    bytes = image.data.length;
  }
  if (mode === 'download') bytes = (await client.downloadToFile(`${url}/outputs/stream-${size}`, file)).size;
  if (mode === 'download-floor') {
    // The floor: undici straight into a file stream, no SDK.
    await pipeline(
      (await request(`${url}/outputs/stream-${size}`, { dispatcher: agent })).body,
      createWriteStream(file),
    );
    bytes = Number(size) * 1024 * 1024;
  }
  const after = residentSet();
  const growth =
    resetPeak && before && after
      ? after.peak - before.rss
      : process.resourceUsage().maxRSS * 1024 - (before?.rss ?? 0);
  rmSync(file, { force: true });
  await client.close();
  await agent.close();
  console.log(JSON.stringify({ mode, bytes, held: held.length, growth, resetPeak }));
}
