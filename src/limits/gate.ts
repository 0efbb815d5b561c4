/**
 * The request gate: every HTTP request to the API passes through it before it is sent. The client
 * builds one (limit-gate.ts): the client-wide 429 pause always, the rate limit and the concurrency cap
 * when `rateLimit` asks for them; the transport and the retry loop never need to know about limits.
 */
export interface GateTicket {
  /** Call once the answer has been read (or the attempt failed): frees a concurrency slot. */
  release(): void;
}

/** What the gate is told about a request it admits. */
export interface GateRequest {
  /** A v1 call or a v2 submit: counted against `requestsPerMinute` (other requests only with `scope: 'all'`). */
  startsWork: boolean;
  /** The caller's abort signal: a request waiting at the gate leaves at once when it fires. */
  signal?: AbortSignal | undefined;
  /** Absolute time (ms since epoch, on the SDK clock) the caller's deadline falls at. */
  deadline?: number | undefined;
}

export interface RequestGate {
  /**
   * Waits for the request's turn (FIFO). Rejects with `UserAbortError`, or `RequestTimeoutError`
   * (`requestSent: false`) once the deadline passes, never for the limit itself. A request admitted
   * at once gets its ticket without a promise (or the abort error thrown): the common case, with
   * no limit configured, then costs no await.
   */
  acquire(request: GateRequest): GateTicket | Promise<GateTicket>;
  /** The server answered 429: hold every request of the client until `until` (ms since epoch). */
  pause(until: number): void;
}

/** The ticket of a request that holds nothing (no concurrency slot) to give back. */
export const NO_TICKET: GateTicket = { release() {} };

/** A gate that admits everything at once (tests of the layers above, and the Core's default). */
export const openGate: RequestGate = {
  acquire: () => NO_TICKET,
  pause() {},
};
