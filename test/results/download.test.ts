import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, ImageResult, NotFoundError, SegmindError } from '../../src/index.js';
import { runScript } from '../support/child.js';
import { API_KEY, client, JPEG } from '../support/fixtures.js';
import { serveHandlers } from '../support/msw-server.js';
import { halfThenBreak } from '../support/responses.js';
import { useServer } from '../support/use-server.js';

const api = useServer(() => serveHandlers());
const cdn = useServer(() =>
  serveHandlers(
    http.get('*/img.jpg', () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } })),
  ),
);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segmind-dl-'));
});

describe('download', () => {
  it('fetches an output URL into an ImageResult without sending the key to another origin', async () => {
    const image = await client(api.url).download(`${cdn.url}/img.jpg`);
    expect(image).toBeInstanceOf(ImageResult);
    expect(Buffer.compare(image.data, JPEG)).toBe(0);
    expect(image.contentType).toBe('image/jpeg');
    expect(cdn.requests).toHaveLength(1);
    expect(cdn.requests[0]?.headers['x-api-key']).toBeUndefined();
    expect(JSON.stringify(cdn.requests[0]?.headers)).not.toContain(API_KEY);
  });

  it('drops the key on a redirect that leaves the API origin', async () => {
    api.use(http.get('*/out/1', () => HttpResponse.redirect(`${cdn.url}/img.jpg`, 302)));
    const image = await client(api.url).download(`${api.url}/out/1`);
    expect(image.data.length).toBe(JPEG.length);
    expect(api.requests[0]?.headers['x-api-key']).toBe(API_KEY);
    expect(cdn.requests[0]?.headers['x-api-key']).toBeUndefined();
  });

  it('retries a transient failure and reports a missing file as NotFoundError', async () => {
    let n = 0;
    cdn.use(
      http.get('*/flaky.jpg', () =>
        n++ === 0
          ? new HttpResponse(null, { status: 503, headers: { 'retry-after': '0' } })
          : new HttpResponse(JPEG),
      ),
    );
    expect((await client(api.url).download(`${cdn.url}/flaky.jpg`)).contentType).toBe('image/jpeg');
    expect(cdn.requests).toHaveLength(2);
    await expect(client(api.url).download(`${cdn.url}/missing.jpg`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects a URL that is not one', async () => {
    await expect(client(api.url).download('not a url')).rejects.toBeInstanceOf(SegmindError);
  });
});

describe('downloadToFile', () => {
  it('streams to the path and returns path, size and content type', async () => {
    const path = join(dir, 'a.jpg');
    const out = await client(api.url).downloadToFile(`${cdn.url}/img.jpg`, path);
    expect(out).toEqual({ path, size: JPEG.length, contentType: 'image/jpeg' });
    expect(Buffer.compare(await readFile(path), JPEG)).toBe(0);
  });

  it('leaves nothing behind when the download breaks half way, after retrying it', async () => {
    cdn.use(http.get('*/broken.png', halfThenBreak(256 * 1024, 'image/png')));
    const sub = await mkdtemp(join(dir, 'broken-'));
    const err = await client(api.url, { maxRetries: 1 })
      .downloadToFile(`${cdn.url}/broken.png`, join(sub, 'b.png'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(cdn.requests).toHaveLength(2);
    expect(await readdir(sub)).toEqual([]);
  });

  it('an unwritable path is a SegmindError, not retried as a network failure', async () => {
    const err = await client(api.url)
      .downloadToFile(`${cdn.url}/img.jpg`, join(dir, 'no-such-dir', 'x.jpg'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmindError);
    expect(err).not.toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/Could not write/);
    expect(cdn.requests).toHaveLength(1);
  });

  it('keeps memory flat for a large download (measured in a child process)', async () => {
    const size = 256 * 1024 * 1024;
    cdn.use(
      http.get('*/large.bin', () => {
        let sent = 0;
        const block = new Uint8Array(256 * 1024).fill(7);
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= size) return controller.close();
            sent += block.length;
            controller.enqueue(block);
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'application/octet-stream' } });
      }),
    );
    const path = join(dir, 'large.bin');
    const script = `
      import { SegmindClient } from './src/index.ts';
      const c = new SegmindClient({ apiKey: 'k', baseURL: 'http://127.0.0.1:1', logLevel: 'off' });
      // Warm up first: undici compiles its HTTP parser on the first request.
      await c.downloadToFile(process.argv[3], process.argv[2]);
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
      const out = await c.downloadToFile(process.argv[1], process.argv[2]);
      clearInterval(t);
      peak = Math.max(peak, process.memoryUsage().rss);
      console.log(JSON.stringify({ size: out.size, growth: peak - before }));
    `;
    const child = await runScript(script, [`${cdn.url}/large.bin`, path, `${cdn.url}/img.jpg`], 120_000);
    const { size: written, growth } = JSON.parse(child.stdout) as { size: number; growth: number };
    expect(written).toBe(size);
    // Buffering would grow by the whole size. Streaming stays near V8's 64 MiB allowance for
    // garbage socket buffers before it collects them (see BENCHMARKS.md for the measured figure).
    expect(growth).toBeLessThan(96 * 1024 * 1024);
  }, 120_000);
});

describe('one-liners and resuming in another process', () => {
  it('run, runSync and submitAsync use a default client from the environment, and a job resumes from JSON', async () => {
    api.use(
      http.post(
        '*/v1/flux-schnell',
        () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } }),
      ),
      http.post('*/v2/:model', () => HttpResponse.json({ request_id: 'job-env' })),
      http.get('*/v2/requests/job-env/status', () =>
        HttpResponse.json({ status: 'COMPLETED', request_id: 'job-env' }),
      ),
      http.get('*/v2/requests/job-env', () =>
        HttpResponse.json({ status: 'COMPLETED', output: 'u', metrics: {} }),
      ),
    );
    const script = `
      import { run, runSync, submitAsync, SegmindClient } from './src/index.ts';
      const image = await runSync('flux-schnell', { prompt: 'x' });
      const job = await submitAsync('fast-flux-schnell', { prompt: 'x' });
      const result = await run('fast-flux-schnell', { prompt: 'x' });
      const resumed = new SegmindClient().job(JSON.parse(process.argv[1]));
      const status = await resumed.status();
      console.log(JSON.stringify({ bytes: image.data.length, id: job.requestId, output: result.output, status: status.status }));
    `;
    const json = JSON.stringify({ requestId: 'job-env', model: 'fast-flux-schnell' });
    const child = await runScript(script, [json], 60_000);
    expect(child.stderr).toBe('');
    const out = JSON.parse(child.stdout);
    expect(out).toEqual({ bytes: JPEG.length, id: 'job-env', output: 'u', status: 'COMPLETED' });
    expect(new Set(api.requests.map((r) => r.headers['x-api-key']))).toEqual(new Set([API_KEY]));
  });
});

// Environment for the child processes above.
process.env.SEGMIND_API_KEY = API_KEY;
process.env.SEGMIND_LOG = 'off';
beforeAll(() => {
  process.env.SEGMIND_BASE_URL = api.url;
});
