// Section 7: how much an app that makes one image call ships to a browser or a Worker. Each app is
// bundled by esbuild (minified) as its platform's users bundle it, from the package's `exports`
// conditions, then gzipped. The SDK's one-`runSync` app next to the same one call in its peers.
// Standalone: `npx tsx bench/edge-size.ts` (run `npm run build` first: the SDK is measured from dist/).
import { gzipSync } from 'node:zlib';
import { ROOT } from './support.js';

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

/** Bundles one package's app for one platform and measures it. */
export async function bundleSize(pkg: EdgePackage, platform: EdgePlatform): Promise<BundleSize> {
  const esbuild = await import('esbuild');
  const target = PLATFORMS[platform];
  try {
    const result = await esbuild.build({
      stdin: { contents: APPS[pkg], resolveDir: `${ROOT}bench`, loader: 'js', sourcefile: `${pkg}-app.mjs` },
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
      // Packages by name; the SDK's own files (dist/) as `segmind`; the app itself as `app`.
      const name =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ??
        (path.startsWith('dist/') ? 'segmind' : 'app');
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
    const heaviest = [...byPackage]
      .map(([path, bytes]) => ({ path, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 3);
    return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, heaviest };
  } catch (err) {
    const text = (err as { errors?: Array<{ text: string }> }).errors?.[0]?.text ?? String(err);
    return { minified: Number.NaN, gzip: Number.NaN, heaviest: [], error: text };
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
