import { getResponse, type RequestHandler } from 'msw';
import { type FetchServer, startFetchServer } from '../../src/testing/fetch-server.js';

/** msw handlers served on a real loopback socket, so undici's own Agent reaches them. */
export interface MswServer extends FetchServer {
  /** Puts handlers in front of the current ones (the test's own overrides). */
  use(...handlers: RequestHandler[]): void;
  /** Back to the initial handlers, with an empty request log. */
  reset(): void;
}

export async function serveHandlers(...initial: RequestHandler[]): Promise<MswServer> {
  const handlers = [...initial];
  const server = await startFetchServer((request) => getResponse(handlers, request));
  return {
    ...server,
    use: (...more) => {
      handlers.unshift(...more);
    },
    reset: () => {
      handlers.splice(0, handlers.length, ...initial);
      server.requests.length = 0;
    },
  };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<string> {
  const server = await startFetchServer(async () => undefined);
  await server.close();
  return server.url;
}
