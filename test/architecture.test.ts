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

  it('exactly one module does network I/O', () => {
    // undici is loaded lazily (src/util/lazy.ts); only the transport may load it or import it for values.
    const loadsUndici = sdkFiles.filter((f) => /lazyModule<[^>]*>\('undici'\)/.test(read(f)));
    expect(loadsUndici).toEqual(['http/transport.ts']);
    for (const f of sdkFiles) expect(read(f), f).not.toMatch(/\bfetch\(|node:http'|node:net'|node:https'/);
  });

  it('importing the SDK loads neither undici nor zod (they load on first use)', () => {
    for (const f of sdkFiles)
      expect(read(f), f).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+'(undici|zod)'/m);
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
