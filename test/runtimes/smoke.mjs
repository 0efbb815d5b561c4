// The smoke program every runtime runs against the fake server (Node, Bun, Deno, workerd): plain
// JavaScript with no imports but `segmind`, so each runtime loads the package as its users would,
// through its own `exports` condition. The harness (harness.mjs) passes the fake's URL and a
// control URL for faults and request counts; results come back as one JSON line.
import {
  AuthenticationError,
  ConnectionError,
  fileFrom,
  ImageResult,
  isSegmindError,
  NotFoundError,
  readOutput,
  SegmindClient,
  SegmindError,
  UserAbortError,
  ValidationError,
} from 'segmind';

export const API_KEY = 'SG_5eC12e7abcdef0123456789';
const PARAMS = { prompt: 'a tiger on mars', width: 512, height: 512 };
const PNG = [0x89, 0x50, 0x4e, 0x47];

/**
 * Runs every check and returns `[{ name, ok, detail }]`; never throws.
 * @param {{ baseURL: string, controlURL: string, dropURL?: string, clientOptions?: object,
 *           fileSystem: boolean, tempPath?: string, fileSize?: (path: string) => Promise<number> }} env
 */
export async function smoke(env) {
  const control = async (path, body) => {
    const res = await fetch(`${env.controlURL}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`control ${path}: ${res.status}`);
    return res.json();
  };
  const count = async (method, path) =>
    (await control(`/count?method=${method}&path=${encodeURIComponent(path)}`)).count;
  const client = (options = {}) =>
    new SegmindClient({
      apiKey: API_KEY,
      baseURL: env.baseURL,
      pollInterval: 50,
      logLevel: 'off',
      ...env.clientOptions,
      ...options,
    });

  const results = [];
  const check = async (name, body) => {
    try {
      await control('/reset', {});
      const detail = await body();
      results.push({ name, ok: true, ...(detail === undefined ? {} : { detail }) });
    } catch (err) {
      results.push({ name, ok: false, detail: `${err?.name}: ${err?.message}` });
    }
  };
  const expect = (cond, what) => {
    if (!cond) throw new Error(`expected ${what}`);
  };
  const rejection = async (promise) => {
    try {
      await promise;
    } catch (err) {
      return err;
    }
    throw new Error('expected a rejection');
  };

  await check('sync call returns an image', async () => {
    const image = await client().runSync('flux-schnell', PARAMS);
    expect(image instanceof ImageResult, 'an ImageResult');
    expect(image.data instanceof Uint8Array, 'data to be a Uint8Array');
    expect(
      PNG.every((b, i) => image.data[i] === b),
      'PNG bytes',
    );
    expect(image.contentType === 'image/png', `image/png, got ${image.contentType}`);
    expect(
      typeof image.toBase64() === 'string' && image.toDataURL().startsWith('data:image/png;base64,'),
      'a data URL',
    );
    expect((await count('POST', '/v1/flux-schnell')) === 1, 'one POST');
    const agent = (await control('/last')).headers['user-agent'] ?? '';
    expect(
      /^segmind-node\/\S+ (node|bun|deno|workerd)\b/.test(agent),
      `a user-agent naming the runtime, got ${agent}`,
    );
    return `${image.data.length} bytes, ${image.data.constructor.name}, ${agent}`;
  });

  await check('sync call with a {"image": base64} answer decodes as it streams', async () => {
    const image = await client().runSync('flux-schnell', { ...PARAMS, base64: true });
    expect(image instanceof ImageResult && PNG.every((b, i) => image.data[i] === b), 'PNG bytes');
    return `${image.data.length} bytes`;
  });

  await check('image inputs: bytes are uploaded once and the model gets the URL', async () => {
    const c = client();
    const photo = (await c.runSync('flux-schnell', PARAMS)).data;
    await control('/reset', {});
    const edits = await Promise.all(
      ['make it night', 'make it snow'].map((prompt) =>
        c.runSync('flux-kontext-pro', { prompt, input_image: photo }),
      ),
    );
    expect(
      edits.every((image) => PNG.every((b, i) => image.data[i] === b)),
      'PNG outputs',
    );
    expect((await count('POST', '/upload-asset')) === 1, 'one upload for two uses of the same bytes');
    expect((await count('POST', '/v1/flux-kontext-pro')) === 2, 'two model calls');
    const body = (await control('/last')).json ?? {};
    expect(/\/assets\//.test(String(body.input_image)), `the uploaded URL sent, got ${body.input_image}`);
    const url = await c.files.upload(photo);
    expect(url === body.input_image, 'files.upload() answers from the same upload');
    if (!env.fileSystem) {
      const err = await rejection(Promise.resolve().then(() => fileFrom('photo.png')));
      expect(
        err instanceof SegmindError,
        `fileFrom() to be a SegmindError without a file system, got ${err}`,
      );
    }
    return `${photo.length} bytes uploaded once`;
  });

  await check('async flow: submit, wait, download the output', async () => {
    const c = client();
    const job = await c.submitAsync('fast-flux-schnell', { prompt: 'a fox', aspect_ratio: '1:1' });
    expect(typeof job.requestId === 'string' && job.requestId.length > 0, 'a request id');
    const result = await job.wait({ timeout: 30_000 });
    expect(result.status === 'COMPLETED', `COMPLETED, got ${result.status}`);
    const items = readOutput(result.output);
    let image;
    for (const item of items) {
      if (item.type === 'url') image = await c.download(item.url);
      else if (item.type === 'base64') image = { data: item.data };
    }
    expect(image && PNG.every((b, i) => image.data[i] === b), 'PNG bytes from the output');
    const url = items.find((i) => i.type === 'url')?.url;
    if (url) {
      if (env.fileSystem) {
        const written = await c.downloadToFile(url, env.tempPath);
        expect(written.size > 0 && (await env.fileSize(env.tempPath)) === written.size, 'the file written');
      } else {
        const err = await rejection(c.downloadToFile(url, '/tmp/out.png'));
        expect(
          err instanceof SegmindError && /file system/.test(err.message),
          `a SegmindError about the file system, got ${err}`,
        );
        const saveErr = await rejection(
          image.save?.('/tmp/out.png') ?? Promise.reject(new SegmindError('file system')),
        );
        expect(saveErr instanceof SegmindError, 'save() to throw a SegmindError');
      }
    }
    return `${items.length} output item(s)`;
  });

  await check('a batch under a rate limit (and a journal where there is a file system)', async () => {
    const c = client({ rateLimit: { requestsPerMinute: 600, concurrency: 2 } });
    const items = [1, 2, 3].map((i) => ({ prompt: `fox ${i}`, width: 512, height: 512 }));
    const results = await c.batch('flux-schnell', items, { via: 'sync' }).all();
    expect(
      results.length === 3 && results.every((r) => r.ok),
      `3 results, got ${JSON.stringify(results.map((r) => r.ok))}`,
    );
    expect((await count('POST', '/v1/flux-schnell')) === 3, 'three POSTs');
    if (env.fileSystem) {
      const journal = `${env.tempPath}.journal.jsonl`;
      const first = await c.batch('flux-schnell', items, { via: 'sync', journal }).all();
      const again = await c.batch('flux-schnell', items, { via: 'sync', journal }).all();
      expect(first.length === 3 && again.length === 3, 'both journaled runs report 3 items');
      expect((await count('POST', '/v1/flux-schnell')) === 6, 'the second journaled run paid nothing');
    } else {
      const err = await rejection(
        c.batch('flux-schnell', items, { via: 'sync', journal: '/tmp/j.jsonl' }).all(),
      );
      expect(
        err instanceof SegmindError && /file system/.test(err.message),
        `a SegmindError about the file system, got ${err}`,
      );
    }
  });

  await check('typed errors: 401 and 404', async () => {
    const auth = await rejection(client({ apiKey: 'SG_wrongwrongwrong00' }).runSync('flux-schnell', PARAMS));
    expect(auth instanceof AuthenticationError && auth.status === 401, `AuthenticationError, got ${auth}`);
    expect(isSegmindError(auth), 'isSegmindError');
    const missing = await rejection(client().job('no-such-job').status());
    expect(missing instanceof NotFoundError && missing.status === 404, `NotFoundError, got ${missing}`);
  });

  await check('an abort acts at once on a stalled call', async () => {
    await control('/inject', { stall: true, match: { method: 'POST', path: '/v1/flux-schnell' } });
    const controller = new AbortController();
    const pending = client({ timeout: 600_000 }).runSync('flux-schnell', PARAMS, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('user left')), 100);
    const err = await rejection(pending);
    expect(err instanceof UserAbortError, `UserAbortError, got ${err}`);
  });

  await check('validation fails before any request', async () => {
    const err = await rejection(client().runSync('flux-schnell', { prompt: 'x', steps: 99, width: 500 }));
    expect(err instanceof ValidationError, `ValidationError, got ${err}`);
    const paths = err.issues.map((i) => i.path);
    expect(paths.includes('steps') && paths.includes('width'), `issues for steps and width, got ${paths}`);
    expect((await count('POST', '/v1/flux-schnell')) === 0, 'no request sent');
    const noKey = await rejection(
      Promise.resolve().then(() => new SegmindClient({ baseURL: env.baseURL, apiKey: '' })),
    );
    expect(noKey instanceof SegmindError && /SEGMIND_API_KEY/.test(noKey.message), 'a missing key named');
  });

  await check('the key never appears in an error', async () => {
    await control('/inject', {
      status: 400,
      body: { error: `bad request for key ${API_KEY}` },
      headers: { 'x-echo': API_KEY },
      match: { method: 'POST', path: '/v1/flux-schnell' },
    });
    const err = await rejection(client().runSync('flux-schnell', PARAMS));
    expect(isSegmindError(err) && err.status === 400, `a 400, got ${err}`);
    const seen = [
      err.message,
      String(err),
      err.detail,
      JSON.stringify(err),
      JSON.stringify(err.body),
      JSON.stringify(err.headers),
      err.stack,
    ];
    expect(!seen.some((s) => typeof s === 'string' && s.includes(API_KEY)), 'the key redacted everywhere');
    expect(!JSON.stringify(client()).includes(API_KEY), 'the client toJSON without the key');
  });

  await check('a 503 is retried, then succeeds', async () => {
    await control('/inject', { status: 503, times: 1, match: { method: 'POST', path: '/v1/flux-schnell' } });
    const image = await client().runSync('flux-schnell', PARAMS);
    expect(image.data.length > 0, 'an image');
    expect((await count('POST', '/v1/flux-schnell')) === 2, 'two POSTs');
  });

  await check('a POST whose connection broke after sending is not retried', async () => {
    await control('/inject', { reset: true, times: 3, match: { method: 'POST', path: '/v1/flux-schnell' } });
    const err = await rejection(client().runSync('flux-schnell', PARAMS));
    expect(
      err instanceof ConnectionError && err.requestSent === true,
      `ConnectionError(requestSent), got ${err}`,
    );
    expect((await count('POST', '/v1/flux-schnell')) === 1, 'exactly one POST');
  });

  if (env.dropURL) {
    // No runtime may send a billable POST twice on its own, whatever fetch the client was given: the
    // drop server reads the second POST of a keep-alive connection and drops the connection without
    // answering (see startDropServer in harness.mjs). Each call's body is unique, so a POST the
    // runtime sent again shows up as a body that arrived twice.
    const variants = {
      'the default transport': {},
      '{ fetch: globalThis.fetch }': { fetch: globalThis.fetch },
      'a tracing fetch wrapper': { fetch: (input, init) => globalThis.fetch(input, init) },
    };
    for (const [variant, options] of Object.entries(variants)) {
      await check(`no POST is sent twice when a reused connection drops it (${variant})`, async () => {
        const drop = async (path) =>
          (await fetch(`${env.dropURL}${path}`, { method: path === '/reset' ? 'POST' : 'GET' })).json();
        await drop('/reset');
        const c = new SegmindClient({
          apiKey: API_KEY,
          baseURL: env.dropURL,
          logLevel: 'off',
          maxRetries: 2,
          ...options,
        });
        const outcomes = [];
        for (let i = 0; i < 6; i++) {
          try {
            await c.runSync('drop-check', { prompt: `call ${i}` });
            outcomes.push('ok');
          } catch (err) {
            expect(
              err instanceof ConnectionError && err.requestSent === true,
              `ConnectionError(requestSent) for a dropped POST, got ${err}`,
            );
            outcomes.push('dropped');
          }
        }
        const stats = await drop('/stats');
        const twice = Object.entries(stats.bodies).filter(([, n]) => n > 1);
        expect(twice.length === 0, `every POST to arrive once, got ${JSON.stringify(twice)}`);
        expect(stats.posts === 6, `6 POSTs, got ${stats.posts}`);
        expect(
          outcomes.filter((o) => o === 'dropped').length === stats.dropped,
          `one error per dropped POST, got ${outcomes} for ${stats.dropped} dropped`,
        );
        return `${stats.reused} POST(s) on a reused connection, ${stats.dropped} dropped and reported`;
      });
    }
  }

  return results;
}
