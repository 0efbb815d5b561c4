// fileFrom() on runtimes without a file system, and the guard that keeps node:fs out of the
// Workers/browser build.
import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import tsupConfigs from '../../tsup.config.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

async function freshSdk() {
  vi.resetModules();
  return import('../../src/index.js');
}

describe('fileFrom() where there is no file system', () => {
  it('on Cloudflare Workers throws a SegmindError that says what to pass instead', async () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    const { fileFrom, SegmindError } = await freshSdk();
    let err: unknown;
    try {
      fileFrom('photo.png');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SegmindError);
    expect((err as Error).message).toBe(
      'fileFrom("photo.png") reads a file from disk, and there is no file system on this runtime (workerd): pass the image\'s bytes instead (a Uint8Array, ArrayBuffer, Blob or File, e.g. from a form upload or R2/KV)',
    );
  });

  it("the edge build's stand-in throws the same error and exports the same names", async () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    vi.resetModules();
    const node = await import('../../src/uploads/file-from.js');
    const edge = await import('../../src/uploads/no-file-from.js');
    expect(Object.keys(edge)).toEqual(expect.arrayContaining(Object.keys(node)));
    const messageOf = (f: (path: string) => unknown) => {
      try {
        f('a.png');
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(messageOf(edge.fileFrom)).toBe(messageOf(node.fileFrom));
  });
});

describe('the Workers/browser build', () => {
  it('bundles src/index.ts with no node: module (tsup swaps file-from.ts for its stand-in)', async () => {
    const configs = (Array.isArray(tsupConfigs) ? tsupConfigs : [tsupConfigs]) as Array<{
      entry?: Record<string, string>;
      esbuildPlugins?: Parameters<typeof build>[0]['plugins'];
    }>;
    const edge = configs.find((c) => c.entry && 'edge/index' in c.entry);
    expect(edge?.esbuildPlugins, 'tsup.config.ts has an edge/index build with its plugin').toBeDefined();
    const result = await build({
      entryPoints: ['src/index.ts'],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      logLevel: 'silent',
      // Dependencies are not bundled by tsup either; only the SDK's own modules are checked.
      packages: 'external',
      plugins: edge!.esbuildPlugins!,
    }).catch((err: { errors?: Array<{ text: string }> }) => err);
    const errors = ('errors' in result ? result.errors : []) ?? [];
    expect(
      errors.map((e) => e.text),
      "tsup.config.ts EDGE_SWAPS needs 'uploads/file-from.ts': 'uploads/no-file-from.ts'",
    ).toEqual([]);
  }, 60_000);
});
