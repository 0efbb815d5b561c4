import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/index.js';

const srcDir = new URL('../src/', import.meta.url).pathname;
// Every SDK module (the fake server under testing/ is a separate entry point).
const sdkFiles = (readdirSync(srcDir, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.startsWith('testing/'))
  .sort();
const read = (file: string) => readFileSync(join(srcDir, file), 'utf8');

describe('architecture', () => {
  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
  });

  it('only the two transports do network I/O', () => {
    // undici is loaded lazily (src/util/lazy.ts); only the undici transport may load it or import it
    // for values. fetch is called only by the fetch transport (Bun, Deno, Workers, the fetch option).
    const loadsUndici = sdkFiles.filter((f) => /lazyModule<[^>]*>\('undici'\)/.test(read(f)));
    expect(loadsUndici).toEqual(['http/transport.ts']);
    const network = sdkFiles.filter((f) => /\bfetch\(|node:http'|node:net'|node:https'/.test(read(f)));
    expect(network).toEqual(['http/transport-fetch.ts']);
  });

  it('importing the SDK loads neither undici nor zod (they load on first use)', () => {
    // runtime/lazy-static.ts stands in for util/lazy.ts in the Workers/browser build only (no
    // createRequire there), where zod is imported up front by design; models/zod-api.ts is bundled
    // on its own into dist/zod-api.cjs and loaded through util/lazy.ts on first validation.
    const loadedLazily = new Set(['runtime/lazy-static.ts', 'models/zod-api.ts']);
    for (const f of sdkFiles.filter((f) => !loadedLazily.has(f)))
      expect(read(f), f).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+'(undici|zod)'/m);
  });

  it('deadlines, retry waits and poll pauses read time only through util/clock.ts', () => {
    // Tests swap that clock for a manual one; a module reading Date.now() or arming its own timer
    // would escape it and make those tests depend on the machine's speed. The transports' request
    // timeouts are real timers by design.
    const timed = sdkFiles.filter(
      (f) => f === 'client.ts' || f.startsWith('jobs/') || (f.startsWith('http/') && !/transport/.test(f)),
    );
    expect(timed).toContain('jobs/job.ts');
    for (const f of timed) expect(read(f), f).not.toMatch(/\bDate\.now\(|\bsetTimeout\(|\bsetInterval\(/);
  });

  it('the main entry never imports segmind/testing', () => {
    for (const f of sdkFiles) expect(read(f), f).not.toMatch(/from '(\.\.?\/)+testing/);
  });

  it('runtime dependencies are undici, zod, p-retry and rate-limiter-flexible only', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual([
      'p-retry',
      'rate-limiter-flexible',
      'undici',
      'zod',
    ]);
    expect(pkg.peerDependencies).toBeUndefined();
  });
});
