// The exported zod schemas are real zod/mini objects that a bundler can drop, and the checks load
// on first validation through a literal import() that bundlers split into a chunk of its own.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { types } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ZodMiniObject } from 'zod/mini';
import { FastFluxSchnellParamsSchema, FluxSchnellParamsSchema, MODELS } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');

describe('FluxSchnellParamsSchema and FastFluxSchnellParamsSchema', () => {
  it('are real zod/mini objects (not Proxies) with one schema per registry parameter', () => {
    for (const [schema, slug] of [
      [FluxSchnellParamsSchema, 'flux-schnell'],
      [FastFluxSchnellParamsSchema, 'fast-flux-schnell'],
    ] as const) {
      expect(types.isProxy(schema)).toBe(false);
      expect(schema).toBeInstanceOf(ZodMiniObject);
      expect(Object.keys(schema.shape)).toEqual(Object.keys(MODELS[slug].params));
    }
  });

  it('parse with the SDK’s own messages and refuse unknown keys', () => {
    expect(FastFluxSchnellParamsSchema.parse({ prompt: 'a car', aspect_ratio: '16:9' })).toEqual({
      prompt: 'a car',
      aspect_ratio: '16:9',
    });
    const result = FluxSchnellParamsSchema.safeParse({ width: 1001, sampler: 'euler' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['prompt', 'is required'],
      ['width', 'must be a multiple of 8'],
      ['', 'unknown parameter'],
    ]);
  });
});

/** An esbuild bundle of `source` (an app importing the SDK's sources), by output file name. */
async function bundle(source: string): Promise<Map<string, string>> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outdir: join(ROOT, 'out-test-bundle'),
    write: false,
    minify: true,
    external: ['undici', 'p-retry', 'rate-limiter-flexible', 'rate-limiter-flexible/*'],
    logLevel: 'silent',
  });
  return new Map(result.outputFiles.map((f) => [f.path.slice(f.path.lastIndexOf('/') + 1), f.text]));
}

describe('what an app bundles', () => {
  const runSyncApp = `import { SegmindClient } from './src/index.ts';
    await new SegmindClient({ apiKey: 'SG_0' }).runSync('flux-kontext-pro', { prompt: 'x' });`;

  it('an app calling runSync gets zod/mini only in the lazily loaded chunk, without object schemas or locales', async () => {
    const files = await bundle(runSyncApp);
    const entry = files.get('stdin.js')!;
    const chunks = [...files.entries()].filter(([name]) => name !== 'stdin.js');
    expect(entry).not.toContain('"$ZodType"');
    expect(entry).toMatch(/import\("\.\/check-[\w-]+\.js"\)/);
    const all = [...files.values()].join('\n');
    expect(all).toContain('"$ZodType"');
    expect(all).not.toContain('"ZodMiniObject"');
    expect(all).not.toMatch(/Zu groß|Demasiado/); // no locale text
    expect(chunks.length).toBeGreaterThan(0);
  });

  it('an app importing FluxSchnellParamsSchema gets the object schema (so the check above can fail)', async () => {
    const files = await bundle(`import { FluxSchnellParamsSchema } from './src/index.ts';
      console.log(FluxSchnellParamsSchema.safeParse({}).success);`);
    expect([...files.values()].join('\n')).toContain('"ZodMiniObject"');
  });
});

describe('how models load', () => {
  const files = (readdirSync(join(SRC, 'models'), { recursive: true }) as string[]).filter((f) =>
    f.endsWith('.ts'),
  );
  const read = (f: string) => readFileSync(join(SRC, 'models', f), 'utf8');
  // The code of a file, without its comments (which may mention import() in words).
  const code = (f: string) =>
    read(f)
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');

  it('never through createRequire, a computed import() or zod classic', () => {
    for (const f of files) {
      const text = code(f);
      expect(text, f).not.toMatch(/createRequire|require\(/);
      expect(text, f).not.toMatch(/import\((?!['"]\.\/)/);
      expect(text, f).not.toMatch(/from 'zod'/);
    }
  });

  it('the checks are never imported statically: they load on first validation', () => {
    // A value import of check.ts (`import type` is erased and loads nothing).
    const importers = files.filter((f) => /^import (?!type\b)[^;]*from '\.\/check\.js'/m.test(code(f)));
    expect(importers).toEqual([]);
    expect(read('request-body.ts')).toContain("import('./check.js')");
  });
});
