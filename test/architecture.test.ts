import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/index.js';

const srcDir = new URL('../src/', import.meta.url).pathname;
const allFiles = (readdirSync(srcDir, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .sort();
// Every SDK module (the fake server under testing/ is a separate entry point).
const sdkFiles = allFiles.filter((f) => !f.startsWith('testing/'));
const read = (file: string) => readFileSync(join(srcDir, file), 'utf8');

/** Every relative import of a module (static, `export … from`, `import type`, literal `import()`). */
function importsOf(file: string): string[] {
  const text = read(file);
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/gm)) {
    const spec = (m[1] ?? m[2])!;
    found.push(normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'));
  }
  return found;
}

/**
 * The layers of the house, bottom first (ARCHITECTURE.md: the request path reads top to bottom and
 * imports only point down). A module may import its own layer or a lower one, never a higher one.
 * The first pattern a path matches decides its layer.
 */
const LAYERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^version\.ts$|^util\/(json|redact|describe-value|did-you-mean|logger)\.ts$/, 'base utilities'],
  [/^errors\.ts$/, 'errors: classes and the one factory'],
  [/^util\/|^options\/checks\.ts$|^runtime\//, 'clock, option checks, platform facts'],
  [/^http\/(transport|response-body|transport-error|undici\/|fetch\/|create-transport)/, 'transports'],
  [/^models\/|^uploads\/(image-input|fingerprint)\.ts$/, 'the model registry and what derives from it'],
  [/^limits\/|^options\//, 'limits (the gate) and client options'],
  [/^http\//, 'core and retry policy'],
  [/^jobs\/|^uploads\//, 'jobs and uploads'],
  [/^results\//, 'results'],
  [/^batch\//, 'batch'],
  [/^(client|default-client)\.ts$/, 'the client'],
  [/^index\.ts$/, 'the entry point'],
  [/^(testing|redis|cli)\//, 'entry points of their own'],
];

function layerOf(file: string): number {
  const at = LAYERS.findIndex(([pattern]) => pattern.test(file));
  if (at < 0) throw new Error(`${file} belongs to no layer of test/architecture.test.ts`);
  return at;
}

/** Tarjan's strongly connected components: each component of two or more modules is a cycle. */
function cyclesIn(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('architecture', () => {
  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
  });

  it('every module belongs to a layer, and imports only point down', () => {
    const upward: string[] = [];
    for (const file of allFiles) {
      for (const dep of importsOf(file)) {
        if (layerOf(dep) > layerOf(file)) {
          upward.push(`${file} (${LAYERS[layerOf(file)]![1]}) imports ${dep} (${LAYERS[layerOf(dep)]![1]})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph = new Map(allFiles.map((f) => [f, importsOf(f).filter((d) => allFiles.includes(d))]));
    expect(cyclesIn(graph)).toEqual([]);
  });

  it('the checks can fail: a cycle and an upward import are found', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cyclesIn(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(layerOf('errors.ts')).toBeLessThan(layerOf('http/core.ts'));
    expect(layerOf('http/core.ts')).toBeGreaterThan(layerOf('http/transport.ts'));
    expect(importsOf('client.ts')).toContain('http/core.ts');
  });

  it('only the transports do network I/O', () => {
    // undici is loaded (for values) by one module; requests leave through the two transports only.
    // Comment lines are left out: a doc example may show `fetch(`.
    const code = (f: string) =>
      read(f)
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*)/.test(line))
        .join('\n');
    const loadsUndici = sdkFiles.filter((f) =>
      /import\('undici'\)|^\s*import\s+(?!type\b)[^;]*from\s+'undici'/m.test(code(f)),
    );
    expect(loadsUndici).toEqual(['http/undici/agent.ts']);
    const network = sdkFiles.filter((f) =>
      /\bfetch\(|\.dispatch\(|node:http'|node:net'|node:https'/.test(code(f)),
    );
    expect(network).toEqual(['http/fetch/fetch-transport.ts', 'http/undici/exchange.ts']);
  });

  it('nothing loads modules in a way bundlers cannot follow', () => {
    // A bundled app (esbuild, webpack, rollup) must find every module: literal specifiers only.
    for (const f of allFiles) {
      const text = read(f);
      expect(text, f).not.toMatch(/createRequire\(|\brequire\(\s*[^'"\s)]|\bimport\(\s*[^'"\s)]/);
    }
  });

  it('deadlines, retry waits and poll pauses read time only through util/clock.ts', () => {
    // Tests swap that clock for a manual one; a module reading Date.now() or arming its own timer
    // would escape it and make those tests depend on the machine's speed. The transports' request
    // timeouts are real timers by design.
    const timed = sdkFiles.filter(
      (f) =>
        f === 'client.ts' ||
        f.startsWith('jobs/') ||
        f.startsWith('limits/') ||
        (f.startsWith('http/') && layerOf(f) > layerOf('http/transport.ts')),
    );
    expect(timed).toContain('jobs/job.ts');
    expect(timed).toContain('http/core.ts');
    for (const f of timed) expect(read(f), f).not.toMatch(/\bDate\.now\(|\bsetTimeout\(|\bsetInterval\(/);
  });

  it('no hidden channels between modules: no exported module-level map, no Symbol.for option keys', () => {
    // A module may keep a private cache (util/abort.ts fans one signal out to many calls); an
    // exported map written by one part and read by another is a channel, like the old send hooks.
    for (const f of sdkFiles) {
      expect(read(f), f).not.toMatch(/^export const \w+\s*(:[^=]+)?=\s*new (Weak)?Map/m);
      expect(read(f), f).not.toMatch(/Symbol\.for\('segmind\.(?!SegmindError)/);
    }
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
