// Deno's fetch (hyper) sends a request again, a POST included, when the reused keep-alive connection
// it went out on turns out to be dead, even after the server read it whole (measured 40/40 in Deno
// 2.9): a v1 call or v2 submit could start two jobs without the SDK knowing. A client that keeps no
// idle connection never reuses one, so a billable request gets its own, handed to fetch through
// `init.client`. That works with any fetch that passes `init` on (`{ fetch: globalThis.fetch }`, a
// tracing wrapper); a fetch that drops it is beyond reach. The Node build, which Deno loads, uses
// the undici transport instead unless the caller passes `fetch`.

/** A `Deno.HttpClient`: closed with the request (Deno's test sanitizer counts one left open). */
export interface DenoHttpClient {
  close(): void;
}

/** A Deno HTTP client that reuses no connection, or `undefined` outside Deno. */
export function unpooledDenoClient(): DenoHttpClient | undefined {
  const deno = (globalThis as { Deno?: { createHttpClient?(options: object): DenoHttpClient } }).Deno;
  try {
    return deno?.createHttpClient?.({ poolMaxIdlePerHost: 0 });
  } catch {
    return undefined;
  }
}

/** Closes `client`, once; a second close is ignored. */
export function closeDenoClient(client: DenoHttpClient | undefined): void {
  try {
    client?.close();
  } catch {
    // already closed
  }
}
