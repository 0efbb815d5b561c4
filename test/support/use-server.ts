import { afterAll, afterEach, beforeAll } from 'vitest';
import { createMockServer, type MockServer, type MockServerOptions } from '../../src/testing/index.js';

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

/**
 * A fresh fake server per call, each with its own options over `defaults`, all closed after the test
 * that made them (for tests whose servers differ in limits or timelines).
 * @example
 * const fake = useFakes({ queueTime: 5, jobDuration: 20 });
 * const server = await fake({ rateLimit: { requestsPerMinute: 3 } });
 */
export function useFakes(
  defaults: MockServerOptions = {},
): (options?: MockServerOptions) => Promise<MockServer> {
  const servers: MockServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (options = {}) => {
    const server = await createMockServer({ ...defaults, ...options });
    servers.push(server);
    return server;
  };
}
