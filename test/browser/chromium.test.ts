// The browser build in a real browser: headless Chromium (Debian's package, never a downloaded one)
// loads a page whose script bundles `segmind` as a browser app would (esbuild, `browser` condition:
// dist/edge/index.js) and calls the fake on another origin. Needs `npm run build` (done here) and
// /usr/bin/chromium (`apt-get install -y chromium`; CHROMIUM_PATH overrides). An integration test.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../src/testing/index.js';
import { withFreshBuild } from '../bundling/build-lock.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let inputs: string[] = [];
let fake: MockServer;
let noCors: MockServer;
let pages: Server;
let profile: string;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

interface Outcome {
  ok: boolean;
  value?: Record<string, unknown>;
  error?: { name: string; message: string; segmindError: boolean; userAbort: boolean } & Record<
    string,
    unknown
  >;
}

/** Calls `window.segmindTests[name](url)` in the page. */
const inPage = (name: string, url: string): Promise<Outcome> =>
  page.evaluate(
    ([n, u]) =>
      (globalThis as unknown as { segmindTests: Record<string, (url: string) => Promise<Outcome>> })
        .segmindTests[n!]!(u!),
    [name, url],
  );

async function bundlePage(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(ROOT, 'test', 'browser', 'page.mjs')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    // The repository's tsconfig maps `segmind` to the sources; a browser app resolves the package.
    tsconfigRaw: '{}',
    absWorkingDir: ROOT,
    logLevel: 'silent',
  });
  inputs = Object.keys(result.metafile.inputs);
  return result.outputFiles[0]!.text;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const script = await withFreshBuild(bundlePage);
  fake = await createMockServer({
    cors: true,
    queueTime: 20,
    jobDuration: (params) => (String(params.prompt).startsWith('slow') ? 60_000 : 60),
  });
  noCors = await createMockServer();
  pages = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>segmind</title><script type="module" src="/page.js"></script>');
    }
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  profile = mkdtempSync(join(tmpdir(), 'segmind-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  await page.goto(`http://127.0.0.1:${(pages.address() as AddressInfo).port}/`);
  await page.waitForFunction(
    () => (globalThis as unknown as { segmindReady?: boolean }).segmindReady === true,
  );
}, 180_000);

afterAll(async () => {
  await context?.close();
  await fake?.close();
  await noCors?.close();
  await new Promise((resolve) => (pages ? pages.close(resolve) : resolve(undefined)));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

beforeEach(() => {
  fake.reset();
  noCors.reset();
});

const posts = (server: MockServer, prefix: string) =>
  server.requests.filter((r) => r.method === 'POST' && r.path.startsWith(prefix)).length;

it('the page runs the browser build (dist/edge/index.js), not the Node one', () => {
  expect(inputs).toContain('dist/edge/index.js');
  expect(inputs).not.toContain('dist/index.js');
  expect(pageErrors).toEqual([]);
});

it('runSync returns the image, and the x-* headers the fake exposes are read', async () => {
  const outcome = await inPage('runSync', fake.url);
  expect(outcome.error).toBeUndefined();
  expect(outcome.value).toMatchObject({
    uint8Array: true,
    head: [0x89, 0x50, 0x4e, 0x47],
    contentType: 'image/png',
    cost: 0.008,
    requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
  });
  expect(posts(fake, '/v1/flux-schnell')).toBe(1);
});

it('run (v2) submits, polls and returns the result', async () => {
  const outcome = await inPage('run', fake.url);
  expect(outcome.error).toBeUndefined();
  expect(outcome.value).toEqual({ status: 'COMPLETED', output: expect.arrayContaining(['url']) });
  expect(posts(fake, '/v2/fast-flux-schnell')).toBe(1);
  expect(
    fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/status')).length,
  ).toBeGreaterThan(0);
});

it('an abort between polls rejects with UserAbortError, after one submit', async () => {
  const outcome = await inPage('abort', fake.url);
  expect(outcome.ok).toBe(false);
  expect(outcome.error).toMatchObject({ name: 'UserAbortError', userAbort: true, segmindError: true });
  expect(posts(fake, '/v2/fast-flux-schnell')).toBe(1);
});

it('bad parameters reject with ValidationError naming the field, and nothing is sent', async () => {
  const outcome = await inPage('validation', fake.url);
  expect(outcome.error).toMatchObject({ name: 'ValidationError', fields: ['steps'], segmindError: true });
  expect(fake.requests).toEqual([]);
});

it('a request the browser blocks (a server without CORS) is reported as blocked or failed before an answer', async () => {
  const outcome = await inPage('blocked', noCors.url);
  expect(outcome.ok).toBe(false);
  expect(outcome.error).toMatchObject({ name: 'ConnectionError', segmindError: true });
  expect(outcome.error!.message).toContain('blocked by the browser (CORS) or failed before an answer');
  // The preflight failed, so the POST itself never reached the server.
  expect(posts(noCors, '/v1/')).toBe(0);
});
