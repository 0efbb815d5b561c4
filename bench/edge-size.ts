// Section 7: how much an app that makes one image call ships to a browser or a Worker. Each app is
// bundled by esbuild (minified) as its platform's users bundle it, from the package's `exports`
// conditions, then gzipped. The SDK's one-`runSync` app next to the same one call in its peers.
// Standalone: `npx tsx bench/edge-size.ts` (run `npm run build` first: the SDK is measured from dist/).
// test/models/edge-bundle.test.ts measures the same app without a build: `buildEdgeSdk()` makes the
// edge build from src/ in memory, as tsup.config.ts makes dist/edge/.
import { posix, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'esbuild';
import { ROOT } from './support.js';

/** The budget of the one-`runSync` app, gzip, on each platform (issue 17). */
export const EDGE_BUDGET_BYTES = 40 * 1024;

/** One image call per package, as each one's README shows it. */
export const APPS = {
  segmind: `import { SegmindClient } from 'segmind';
const client = new SegmindClient({ apiKey: 'SG_0000000000000000', dangerouslyAllowBrowser: true });
const image = await client.runSync('flux-schnell', { prompt: 'a lighthouse at dawn' });
console.log(image.data.length);`,
  openai: `import OpenAI from 'openai';
const client = new OpenAI({ apiKey: 'sk-0000', dangerouslyAllowBrowser: true });
const image = await client.images.generate({ model: 'gpt-image-1', prompt: 'a lighthouse at dawn' });
console.log(image.data?.length);`,
  '@fal-ai/client': `import { fal } from '@fal-ai/client';
fal.config({ credentials: 'key:secret' });
const result = await fal.subscribe('fal-ai/flux/schnell', { input: { prompt: 'a lighthouse at dawn' } });
console.log(result.data);`,
  replicate: `import Replicate from 'replicate';
const replicate = new Replicate({ auth: 'r8_0000' });
const output = await replicate.run('black-forest-labs/flux-schnell', { input: { prompt: 'a lighthouse at dawn' } });
console.log(output);`,
} as const;

export type EdgePackage = keyof typeof APPS;
export const EDGE_PACKAGES = Object.keys(APPS) as EdgePackage[];

/** How each platform's users bundle: a browser app, and a Worker as wrangler bundles one. */
export const PLATFORMS = {
  browser: { platform: 'browser', conditions: [] as string[] },
  worker: { platform: 'neutral', conditions: ['workerd', 'worker', 'browser'] },
} as const;
export type EdgePlatform = keyof typeof PLATFORMS;

export interface BundleSize {
  /** Minified bytes. */
  minified: number;
  /** The minified bundle, gzipped (level 9). */
  gzip: number;
  /** The inputs that weigh most (bytes in the output), to say what the size is made of. */
  heaviest: Array<{ path: string; bytes: number }>;
  /** The bundle could not be built (the package does not support the platform). */
  error?: string;
}

/**
 * The SDK's Workers/browser build made from src/ in memory as tsup.config.ts's edge entry makes
 * dist/edge/index.js and its chunks: its swaps, code split at the lazy imports, zod bundled, the
 * other dependencies left to the app's bundler. By path under the package (`edge/index.js`,
 * `chunk-….js`).
 */
export async function buildEdgeSdk(): Promise<Map<string, string>> {
  const esbuild = await import('esbuild');
  const { default: configs } = await import('../tsup.config.js');
  const list = (Array.isArray(configs) ? configs : [configs]) as Array<{
    entry?: Record<string, string>;
    noExternal?: unknown[];
    esbuildPlugins?: Plugin[];
  }>;
  const edge = list.find((c) => c.entry && 'edge/index' in c.entry);
  if (!edge?.esbuildPlugins) throw new Error('tsup.config.ts has no edge/index build');
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const bundled = new Set(edge.noExternal?.map(String));
  const result = await esbuild.build({
    entryPoints: { 'edge/index': `${ROOT}src/index.ts` },
    outdir: `${ROOT}dist`,
    splitting: true,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'neutral',
    // A dependency and its subpaths (`rate-limiter-flexible/lib/…`), as tsup leaves them.
    external: Object.keys(pkg.dependencies)
      .filter((name) => !bundled.has(name))
      .flatMap((name) => [name, `${name}/*`]),
    plugins: edge.esbuildPlugins,
    absWorkingDir: ROOT,
    write: false,
    logLevel: 'silent',
  });
  return new Map(result.outputFiles.map((f) => [relative(`${ROOT}dist`, f.path), f.text]));
}

// `segmind` resolved to an SDK build held in memory (its files import each other by relative path;
// their dependencies resolve from the repository). Side-effect free, as package.json says.
const sdkFrom = (files: Map<string, string>): Plugin => ({
  name: 'segmind-from-memory',
  setup(build) {
    const namespace = 'segmind-sdk';
    build.onResolve({ filter: /^segmind$/ }, () => ({
      path: 'edge/index.js',
      namespace,
      sideEffects: false,
    }));
    build.onResolve({ filter: /^\.\.?\//, namespace }, (args) => ({
      path: posix.join(posix.dirname(args.importer), args.path),
      namespace,
      sideEffects: false,
    }));
    build.onLoad({ filter: /.*/, namespace }, (args) => {
      const contents = files.get(args.path);
      if (contents === undefined) return { errors: [{ text: `no ${args.path} in the SDK's build` }] };
      return { contents, resolveDir: ROOT, loader: 'js' };
    });
  },
});

/** What to bundle instead of the defaults: another app's source, an SDK build held in memory. */
export interface BundleOverrides {
  /** The app's source (default: the package's app in {@link APPS}). */
  app?: string | undefined;
  /** The SDK's build to resolve `segmind` to, from {@link buildEdgeSdk} (default: the package's `exports`, i.e. dist/). */
  sdk?: Map<string, string> | undefined;
}

/** The minified bundle of an app and what it weighs (see {@link bundleSize}). */
export interface Bundle extends BundleSize {
  /** The minified code (empty when the build failed). */
  code: string;
}

/** Bundles one package's app for one platform and measures it. */
export async function bundleSize(pkg: EdgePackage, platform: EdgePlatform): Promise<BundleSize> {
  const { code: _code, ...size } = await bundleApp(pkg, platform);
  return size;
}

/** Bundles one package's app (or `overrides.app`) for one platform, as its users would. */
export async function bundleApp(
  pkg: EdgePackage,
  platform: EdgePlatform,
  overrides: BundleOverrides = {},
): Promise<Bundle> {
  const esbuild = await import('esbuild');
  const target = PLATFORMS[platform];
  try {
    const result = await esbuild.build({
      stdin: {
        contents: overrides.app ?? APPS[pkg],
        resolveDir: `${ROOT}bench`,
        loader: 'js',
        sourcefile: `${pkg}-app.mjs`,
      },
      ...(overrides.sdk === undefined ? {} : { plugins: [sdkFrom(overrides.sdk)] }),
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2022',
      platform: target.platform,
      ...(target.conditions.length ? { conditions: [...target.conditions] } : {}),
      ...(platform === 'worker' ? { mainFields: ['browser', 'module', 'main'] } : {}),
      // A Worker with nodejs_compat provides node: modules; a package that needs them still builds.
      external: platform === 'worker' ? ['node:*'] : [],
      // The repository's tsconfig maps `segmind` to the sources: resolve the package, as users do.
      tsconfigRaw: '{}',
      absWorkingDir: ROOT,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.contents;
    const output = Object.values(result.metafile.outputs)[0]!;
    const byPackage = new Map<string, number>();
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      // Packages by name; the SDK's own files (dist/, or a build in memory) as `segmind`; the app as `app`.
      const name =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ??
        (path.startsWith('dist/') || path.startsWith('segmind-sdk:') ? 'segmind' : 'app');
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
    const heaviest = [...byPackage]
      .map(([path, bytes]) => ({ path, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 3);
    return {
      code: result.outputFiles[0]!.text,
      minified: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      heaviest,
    };
  } catch (err) {
    const text = (err as { errors?: Array<{ text: string }> }).errors?.[0]?.text ?? String(err);
    return { code: '', minified: Number.NaN, gzip: Number.NaN, heaviest: [], error: text };
  }
}

/** Every package on every platform. */
export async function measureEdgeSizes(): Promise<Record<EdgePlatform, Record<EdgePackage, BundleSize>>> {
  const sizes = {} as Record<EdgePlatform, Record<EdgePackage, BundleSize>>;
  for (const platform of Object.keys(PLATFORMS) as EdgePlatform[]) {
    sizes[platform] = {} as Record<EdgePackage, BundleSize>;
    for (const pkg of EDGE_PACKAGES) sizes[platform][pkg] = await bundleSize(pkg, platform);
  }
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await measureEdgeSizes();
  for (const [platform, row] of Object.entries(sizes)) {
    for (const [pkg, s] of Object.entries(row)) {
      const heavy = s.heaviest.map((h) => `${h.path} ${(h.bytes / 1024).toFixed(0)} KB`).join(', ');
      console.log(
        `${platform.padEnd(8)} ${pkg.padEnd(16)} ${s.error ?? `${(s.minified / 1024).toFixed(1)} KB min, ${(s.gzip / 1024).toFixed(1)} KB gzip (${heavy})`}`,
      );
    }
  }
}
