import { SegmindError } from '../errors.js';

/** The JavaScript runtimes the SDK tells apart. `edge` is a Workers-like runtime (Vercel Edge, Netlify Edge). */
export type RuntimeName = 'node' | 'bun' | 'deno' | 'workerd' | 'edge' | 'browser' | 'unknown';

interface RuntimeGlobals {
  Bun?: { version?: string };
  Deno?: { version?: { deno?: string } };
  EdgeRuntime?: unknown;
  navigator?: { userAgent?: string };
  process?: { versions?: { node?: string }; env?: Record<string, string | undefined> };
  window?: { document?: unknown };
}

const g = globalThis as unknown as RuntimeGlobals;

/**
 * Which runtime this is (a few property reads, asked each time: cheap, and tests can pose as another
 * runtime). Bun and Deno also define `process.versions.node`, so they are asked first; Node comes
 * before the browser check so that jsdom under Node is not mistaken for a browser.
 */
export function detectRuntime(): RuntimeName {
  if (g.Bun !== undefined) return 'bun';
  if (g.Deno !== undefined) return 'deno';
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  if (g.EdgeRuntime !== undefined) return 'edge';
  if (typeof g.process?.versions?.node === 'string') return 'node';
  if (
    g.window?.document !== undefined ||
    typeof (globalThis as { importScripts?: unknown }).importScripts === 'function'
  ) {
    return 'browser';
  }
  return 'unknown';
}

/** `bun/1.1.0`, `deno/2.0.0`, `node/20.18.1`, or just the runtime's name: for the User-Agent header. */
export function runtimeTag(): string {
  const name = detectRuntime();
  const version =
    name === 'bun'
      ? g.Bun?.version
      : name === 'deno'
        ? g.Deno?.version?.deno
        : name === 'node'
          ? g.process?.versions?.node
          : undefined;
  return version ? `${name}/${version}` : name;
}

/** The error for a feature that needs a file system, on a runtime without one (Workers, browsers). */
export function noFileSystem(feature: string): SegmindError {
  const where = detectRuntime() === 'browser' ? 'in a browser' : `on this runtime (${detectRuntime()})`;
  return new SegmindError(
    `${feature} needs a file system, and there is none ${where}: use the bytes in memory instead ` +
      '(image.data, client.download(url)) and store them where your platform keeps files (R2, KV, S3…).',
  );
}

/** Whether the runtime has a file system the SDK may write to (`save`, `downloadToFile`, journals). */
export function hasFileSystem(): boolean {
  const name = detectRuntime();
  return name === 'node' || name === 'bun' || name === 'deno';
}

/**
 * The environment variables, where the runtime has them (`process.env`); none on Workers without
 * `nodejs_compat` and in browsers. A variable the runtime will not let us read (Deno without
 * `--allow-env` throws on each read) counts as unset: the SDK then needs the options instead.
 */
export function environment(): Record<string, string | undefined> {
  const env = g.process?.env;
  if (!env) return {};
  return new Proxy({} as Record<string, string | undefined>, {
    get(_, name) {
      if (typeof name !== 'string') return undefined;
      try {
        return env[name];
      } catch {
        return undefined;
      }
    },
  });
}
