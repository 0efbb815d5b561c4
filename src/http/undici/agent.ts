// undici and the client's connection pool. undici takes longer to import than all of this SDK, so it
// is loaded on first use, by a literal `import('undici')` that every bundler follows (esbuild, webpack
// and rollup put it in the bundle; Node and Deno load it from node_modules).
import type * as Undici from 'undici';
import type { Agent, Dispatcher } from 'undici';
import { clientClosedError } from '../transport-error.js';

/** Sockets the client's own Agent opens per origin. Requests beyond it queue. */
export const MAX_SOCKETS_PER_ORIGIN = 64;
/** How long an idle keep-alive socket is kept, in ms. */
export const KEEP_ALIVE_TIMEOUT = 30_000;

// The module, once imported: one per process, like any import.
let loading: Promise<typeof Undici> | undefined;
let loaded: typeof Undici | undefined;

// undici reads these when it first connects; Deno refuses (throws) unless env access to them was granted.
const UNDICI_ENV = ['JEST_WORKER_ID', 'UNDICI_NO_WASM_SIMD'];

interface DenoPermissions {
  permissions?: { querySync?(descriptor: { name: 'env'; variable: string }): { state: string } };
}

/**
 * Whether undici can send from here: everywhere but a Deno without env access to the variables
 * undici reads (`deno run` without `--allow-env`), where its first connect would throw.
 */
export function undiciRunsHere(): boolean {
  const deno = (globalThis as { Deno?: DenoPermissions }).Deno;
  if (!deno) return true;
  try {
    return UNDICI_ENV.every(
      (variable) => deno.permissions?.querySync?.({ name: 'env', variable }).state === 'granted',
    );
  } catch {
    return false;
  }
}

/** Imports undici, once per process. */
export function loadUndici(): Promise<typeof Undici> {
  loading ??= import('undici').then((module) => {
    loaded = module;
    return module;
  });
  return loading;
}

/** Whether undici has been imported in this process (then nothing waits for it any more). */
export function undiciLoaded(): boolean {
  return loaded !== undefined;
}

/**
 * Where a client's requests go: the dispatcher the caller gave, or the client's own keep-alive Agent,
 * built on the first request and shared by its `withOptions()` copies. The Agent's header and body
 * limits are the client's `timeout`, so undici's 300 s defaults never cut a long call short, and
 * calls that keep the client's timeout need no per-request timer settings.
 */
export class Connections {
  readonly #given: Dispatcher | undefined;
  readonly #timeout: number;
  #agent: Agent | undefined;
  #closed = false;

  constructor(given: Dispatcher | undefined, timeout: number) {
    this.#given = given;
    this.#timeout = timeout;
  }

  /** The dispatcher, when no import is needed for it (a given one, or the Agent once built). */
  get ready(): Dispatcher | undefined {
    if (this.#closed) throw clientClosedError();
    return this.#given ?? this.#agent ?? (loaded ? this.#build(loaded) : undefined);
  }

  /** The dispatcher, importing undici first when the own Agent needs it. */
  async dispatcher(): Promise<Dispatcher> {
    const ready = this.ready;
    if (ready) return ready;
    const undici = await loadUndici();
    if (this.#closed) throw clientClosedError();
    return this.#agent ?? this.#build(undici);
  }

  /** The header/body limit the dispatcher applies by itself: known for the own Agent only. */
  get timeout(): number | undefined {
    return this.#given ? undefined : this.#timeout;
  }

  /** Closes the own Agent, if one was built; a given dispatcher is left open. */
  async close(): Promise<void> {
    if (this.#given || this.#closed) return;
    this.#closed = true;
    await this.#agent?.close();
  }

  #build(undici: typeof Undici): Agent {
    this.#agent = new undici.Agent({
      connections: MAX_SOCKETS_PER_ORIGIN,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT,
      keepAliveMaxTimeout: 10 * KEEP_ALIVE_TIMEOUT,
      headersTimeout: this.#timeout,
      bodyTimeout: this.#timeout,
    });
    return this.#agent;
  }
}
