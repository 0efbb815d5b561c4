// The page's script: the SDK as a browser app bundles it (esbuild resolves `segmind` through the
// `browser` condition, dist/edge/index.js). chromium.test.ts calls these functions in the page; each
// returns plain JSON: `{ ok: true, value }` or `{ ok: false, error }` with what the app would see.
import { isSegmindError, readOutput, SegmindClient, UserAbortError, ValidationError } from 'segmind';

const API_KEY = 'SG_browser0000000000';
const PARAMS = { prompt: 'a lighthouse at dawn', width: 512, height: 512 };

const client = (baseURL, options = {}) =>
  new SegmindClient({
    apiKey: API_KEY,
    baseURL,
    dangerouslyAllowBrowser: true,
    pollInterval: 50,
    logLevel: 'off',
    ...options,
  });

const describe = (err) => ({
  name: err?.name,
  message: String(err?.message ?? err),
  segmindError: isSegmindError(err),
  userAbort: err instanceof UserAbortError,
  ...(err instanceof ValidationError ? { fields: err.issues.map((issue) => issue.path) } : {}),
  ...(typeof err?.requestSent === 'boolean' ? { requestSent: err.requestSent } : {}),
});

const attempt = async (fn) => {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: describe(err) };
  }
};

window.segmindTests = {
  runSync: (url) =>
    attempt(async () => {
      const image = await client(url).runSync('flux-schnell', PARAMS);
      return {
        uint8Array: image.data instanceof Uint8Array,
        head: Array.from(image.data.subarray(0, 4)),
        contentType: image.contentType,
        // Read from x-* headers: undefined unless the server exposes them to the page.
        requestId: image.requestId,
        cost: image.cost,
        seed: image.seed,
      };
    }),
  run: (url) =>
    attempt(async () => {
      const result = await client(url).run('fast-flux-schnell', { prompt: 'a harbour at night' });
      return { status: result.status, output: readOutput(result).map((item) => item.type) };
    }),
  // Aborts once the job's first status answer is in: run() is then between polls.
  abort: (url) =>
    attempt(async () => {
      const controller = new AbortController();
      const watching = async (input, init) => {
        const res = await fetch(input, init);
        if (String(input instanceof Request ? input.url : input).endsWith('/status')) controller.abort();
        return res;
      };
      await client(url, { fetch: watching }).run(
        'fast-flux-schnell',
        { prompt: 'slow: aborted' },
        { signal: controller.signal },
      );
    }),
  validation: (url) => attempt(() => client(url).runSync('flux-schnell', { ...PARAMS, steps: 1000 })),
  blocked: (url) => attempt(() => client(url).runSync('flux-schnell', PARAMS)),
};
window.segmindReady = true;
