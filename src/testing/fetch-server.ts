import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseJson } from '../util/json.js';

/** One request the server received, as a test would assert on it. */
export interface RecordedRequest {
  /** `GET` or `POST`. */
  method: string;
  /** Path and query, e.g. `/v1/flux-schnell`. */
  path: string;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  /** The raw body text (empty for GET). */
  body: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  json: unknown;
  /** When it arrived (ms since epoch). */
  at: number;
}

/**
 * Turns a request into a Fetch `Response`. Return `Response.error()` to reset the connection, or a
 * promise that never settles to stall it; `undefined` answers 404.
 */
export type FetchHandler = (request: Request, recorded: RecordedRequest) => Promise<Response | undefined>;

/** A running loopback HTTP server driven by a {@link FetchHandler}. */
export interface FetchServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Resets the next `count` connections as soon as they are accepted, before any request is read. */
  resetConnections(count: number): void;
  /** Stops the server and drops every open connection. */
  close(): Promise<void>;
}

/** Options of {@link startFetchServer}. */
export interface FetchServerOptions {
  /**
   * Answer as a cross-origin API does, so a page on another origin may call the server: CORS
   * preflights are answered (not recorded, not passed to the handler) and every answer lets any
   * origin read it, `x-*` headers included.
   * @default false
   */
  cors?: boolean | undefined;
}

/** Response headers a page may read without being told (the CORS-safelisted ones). */
const SAFELISTED = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/** The headers of a preflight's answer: the method and headers the browser asked about are allowed. */
function preflightHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST',
    'access-control-max-age': '600',
  };
  // Whatever the page sends (x-api-key, content-type, its own defaultHeaders) is allowed: the fake
  // stands in for the API so the app can be tested, it does not police the app's headers.
  const asked = req.headers['access-control-request-headers'];
  if (asked) headers['access-control-allow-headers'] = asked;
  return headers;
}

/** What an answer adds for CORS: any origin may read it, and every header it carries. */
function corsHeaders(names: Iterable<string>): Record<string, string> {
  const exposed = [...names].filter((name) => !SAFELISTED.has(name) && name !== 'set-cookie');
  return {
    'access-control-allow-origin': '*',
    ...(exposed.length > 0 ? { 'access-control-expose-headers': exposed.join(', ') } : {}),
  };
}

/** Starts a loopback server that answers every request with `handler`. */
export async function startFetchServer(
  handler: FetchHandler,
  port = 0,
  options: FetchServerOptions = {},
): Promise<FetchServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  let resetNext = 0;

  const server: Server = createServer((req, res) => {
    void answer(req, res);
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    accepted++;
    if (resetNext > 0) {
      resetNext--;
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (options.cors && req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      req.resume();
      res.writeHead(204, preflightHeaders(req)).end();
      return;
    }
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return;
    }
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const text = body.toString('utf8');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers,
      body: text,
      json: parseJson(text),
      at: Date.now(),
    };
    requests.push(recorded);
    const url = `http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`;
    const init: RequestInit = { method: recorded.method, headers };
    if (body.length > 0 && recorded.method !== 'GET' && recorded.method !== 'HEAD') init.body = body;
    let response: Response | undefined;
    try {
      response = await handler(new Request(url, init), recorded);
    } catch (err) {
      response = Response.json(
        { error: `fake server handler failed: ${(err as Error).message}` },
        { status: 500 },
      );
    }
    if (res.destroyed) return;
    if (!response)
      response = Response.json(
        { error: `No handler for ${recorded.method} ${recorded.path}` },
        { status: 404 },
      );
    if (response.type === 'error') {
      req.socket.resetAndDestroy();
      return;
    }
    const outHeaders: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      outHeaders[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) outHeaders['set-cookie'] = cookies;
    if (options.cors) Object.assign(outHeaders, corsHeaders(Object.keys(outHeaders)));
    res.writeHead(response.status, response.statusText, outHeaders);
    if (!response.body) {
      res.end();
      return;
    }
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), res);
    } catch {
      // A body that errors half way (a fault being injected) or a client that left: drop the socket.
      req.socket.destroy();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    connections: () => accepted,
    resetConnections: (count) => {
      resetNext = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
