import { afterAll, afterEach, beforeAll } from 'vitest';

/** What {@link useServer} manages: anything closed at the end, and reset between tests if it can be. */
export interface Resettable {
  reset?(): void;
  close(): Promise<void>;
}

/**
 * A loopback server for every test in the file: started once before them, reset (request log,
 * overrides, faults) after each, closed after all. Returns a stand-in that reaches the server once
 * it has started, so tests use it like the server itself.
 * @example
 * const server = useServer(() => serveHandlers(http.post('*\/v1/flux-schnell', image)));
 * const mock = useServer(() => createMockServer({ jobDuration: 200 }));
 */
export function useServer<S extends Resettable>(start: () => Promise<S>): S {
  let server: S | undefined;
  beforeAll(async () => {
    server = await start();
  });
  afterEach(() => server?.reset?.());
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  return new Proxy({} as S, {
    get(_, key) {
      if (!server) throw new Error('useServer(): the server exists only inside tests and hooks');
      const value = Reflect.get(server, key, server);
      return typeof value === 'function' ? value.bind(server) : value;
    },
  });
}
