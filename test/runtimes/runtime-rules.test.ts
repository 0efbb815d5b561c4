// What changes with the runtime, checked in Node by making it look like another one (fresh modules,
// stubbed globals). The real runtimes run the same rules in test/runtimes/harness.mjs.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError, SegmindClient } from '../../src/index.js';
import { createMockServer } from '../../src/testing/index.js';
import { useManualClock } from '../support/manual-clock.js';

const API_KEY = 'SG_0123456789abcdef';

// Each case imports the SDK afresh, so nothing one case stubbed stays in a module another uses.
async function freshSdk() {
  vi.resetModules();
  return import('../../src/index.js');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('in a browser', () => {
  it('the constructor refuses, saying why, unless dangerouslyAllowBrowser is set', async () => {
    const { SegmindClient, SegmindError } = await freshSdk();
    const processGlobal = globalThis.process;
    let refused: unknown;
    let allowed: unknown;
    try {
      // Detection happens on the first construction, inside this synchronous block.
      vi.stubGlobal('window', { document: {} });
      Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
      try {
        new SegmindClient({ apiKey: API_KEY });
      } catch (err) {
        refused = err;
      }
      allowed = new SegmindClient({ apiKey: API_KEY, dangerouslyAllowBrowser: true });
    } finally {
      Object.defineProperty(globalThis, 'process', {
        value: processGlobal,
        configurable: true,
        writable: true,
      });
    }
    expect(refused).toBeInstanceOf(SegmindError);
    expect((refused as Error).message).toMatch(/browser/);
    expect((refused as Error).message).toMatch(/any visitor can read it/);
    expect((refused as Error).message).toContain('dangerouslyAllowBrowser: true');
    expect((refused as Error).message).not.toContain(API_KEY);
    expect(allowed).toBeInstanceOf(SegmindClient);
  });
});

describe('in a browser, a request that fails before any answer', () => {
  useManualClock();

  // Chromium's words for a CORS block and a network failure alike.
  function browserClient(calls: string[]): SegmindClient {
    const processGlobal = globalThis.process;
    vi.stubGlobal('window', { document: {} });
    // The runtime is told when the client is built: pose as a browser for that moment only.
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try {
      return new SegmindClient({
        apiKey: API_KEY,
        baseURL: 'https://api.segmind.com',
        dangerouslyAllowBrowser: true,
        logLevel: 'off',
        fetch: (input, init) => {
          calls.push(`${init.method} ${new URL(input).pathname}`);
          return Promise.reject(new TypeError('Failed to fetch'));
        },
      });
    } finally {
      Object.defineProperty(globalThis, 'process', {
        value: processGlobal,
        configurable: true,
        writable: true,
      });
    }
  }

  it('is reported as blocked by the browser (CORS) or failed, and a billable POST is not re-sent', async () => {
    const calls: string[] = [];
    const err = await browserClient(calls)
      .runSync('flux-schnell', { prompt: 'a fox' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).requestSent).toBe(true);
    expect((err as Error).message).toContain('was blocked by the browser (CORS) or failed before an answer');
    expect(calls).toEqual(['POST /v1/flux-schnell']);
  });

  it('a GET is retried as any GET is', async () => {
    const calls: string[] = [];
    const err = await browserClient(calls)
      .job('0123456789abcdef0123456789abcdef')
      .status()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(calls).toHaveLength(3);
  });
});

describe('on Cloudflare Workers', () => {
  it('save() and downloadToFile() throw a SegmindError naming the missing file system, before any request', async () => {
    const server = await createMockServer();
    try {
      vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
      const { SegmindClient, SegmindError } = await freshSdk();
      const client = new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
      const image = await client.runSync('flux-schnell', { prompt: 'a fox', width: 512, height: 512 });
      const saveError = await image.save('/tmp/never.png').catch((e: unknown) => e);
      expect(saveError).toBeInstanceOf(SegmindError);
      expect((saveError as Error).message).toMatch(/image\.save\(\) needs a file system/);
      const before = server.requests.length;
      const downloadError = await client
        .downloadToFile(`${server.url}/outputs/x.png`, '/tmp/never.png')
        .catch((e: unknown) => e);
      expect(downloadError).toBeInstanceOf(SegmindError);
      expect((downloadError as Error).message).toMatch(/downloadToFile\(\) needs a file system/);
      expect(server.requests.length).toBe(before);
    } finally {
      await server.close();
    }
  });
});

describe('the environment', () => {
  it('a variable the runtime refuses to read (Deno without --allow-env) counts as unset', async () => {
    const { SegmindClient, SegmindError } = await freshSdk();
    const env = process.env;
    let err: unknown;
    try {
      process.env = new Proxy({} as NodeJS.ProcessEnv, {
        get() {
          throw new Error('NotCapable: Requires env access');
        },
      });
      try {
        new SegmindClient();
      } catch (e) {
        err = e;
      }
    } finally {
      process.env = env;
    }
    expect(err).toBeInstanceOf(SegmindError);
    expect((err as Error).message).toContain('SEGMIND_API_KEY');
  });
});

describe('the fetch option on Node', () => {
  it('sends every request through the given fetch; data is still a Buffer', async () => {
    const server = await createMockServer();
    try {
      const { SegmindClient } = await freshSdk();
      const seen: string[] = [];
      const client = new SegmindClient({
        apiKey: API_KEY,
        baseURL: server.url,
        fetch: (input, init) => {
          seen.push(`${init.method} ${new URL(input).pathname}`);
          return fetch(input, init);
        },
      });
      const image = await client.runSync('flux-schnell', { prompt: 'a fox', width: 512, height: 512 });
      expect(seen).toEqual(['POST /v1/flux-schnell']);
      expect(Buffer.isBuffer(image.data)).toBe(true);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('refuses a fetch that is not a function', async () => {
    const { SegmindClient, SegmindError } = await freshSdk();
    expect(() => new SegmindClient({ apiKey: API_KEY, fetch: 'nope' as never })).toThrow(SegmindError);
  });
});
