import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../src/http/transport.js';
import { TimedOut, TransportLimits } from '../../src/http/transport-limits.js';

// Exchanges in a process share one timer and sit in one list (transport-limits.ts). These tests
// release and expire them in every position of that list; they assert which stopped and in what
// order, never how long it took.

function request(timeout: number, signal?: AbortSignal): HttpRequest {
  return { method: 'GET', url: new URL('http://127.0.0.1/'), headers: {}, timeout, billable: false, signal };
}

function tracked(timeout: number, stopped: string[], name: string, signal?: AbortSignal) {
  return new TransportLimits(
    request(timeout, signal),
    (reason) => stopped.push(`${name}:${reason instanceof TimedOut ? 'timeout' : 'abort'}`),
    true,
  );
}

const NEVER = 2_147_483_647;

describe('the timer shared by exchanges in flight', () => {
  it('stops the unreleased exchanges in deadline order, whatever was released around them', async () => {
    const stopped: string[] = [];
    // Added in this order, so the list holds them newest first: e, d, c, b, a.
    const a = tracked(40, stopped, 'a');
    const b = tracked(NEVER, stopped, 'b');
    const c = tracked(20, stopped, 'c');
    const d = tracked(NEVER, stopped, 'd');
    const e = tracked(NEVER, stopped, 'e');
    // Released from the middle, the head and the tail of the list.
    d.release();
    e.release();
    b.release();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(stopped).toEqual(['c:timeout', 'a:timeout']);
    expect([a.timedOut, c.timedOut]).toEqual([true, true]);
    // A stopped exchange released afterwards (as the transports do) changes nothing.
    a.release();
    c.release();
    expect(stopped).toEqual(['c:timeout', 'a:timeout']);
  });

  it('never stops an exchange released before its deadline, even when it was the earliest', async () => {
    const stopped: string[] = [];
    const early = tracked(10, stopped, 'early');
    const later = tracked(40, stopped, 'later');
    early.release();
    early.release(); // twice is harmless
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(stopped).toEqual(['later:timeout']);
    expect(early.timedOut).toBe(false);
    later.release();
  });

  it('lets many exchanges come and go, then still times out the one left', async () => {
    const stopped: string[] = [];
    const kept = tracked(30, stopped, 'kept');
    for (let i = 0; i < 10_000; i++) tracked(NEVER, stopped, `x${i}`).release();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(stopped).toEqual(['kept:timeout']);
    expect(kept.timedOut).toBe(true);
  });

  it('still times out a later exchange when stopping one releases another due at the same time', async () => {
    const stopped: string[] = [];
    const later = tracked(40, stopped, 'later');
    const second = tracked(10, stopped, 'second');
    const first = new TransportLimits(
      request(10),
      () => {
        stopped.push('first:timeout');
        second.release(); // what stopping one exchange may do to another
      },
      true,
    );
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(stopped).toEqual(['first:timeout', 'later:timeout']);
    expect([first.timedOut, second.timedOut, later.timedOut]).toEqual([true, false, true]);
  });

  it('stops on the signal without waiting for the timer, and the timer then leaves it alone', async () => {
    const stopped: string[] = [];
    const controller = new AbortController();
    const limits = tracked(20, stopped, 'signalled', controller.signal);
    controller.abort(new Error('stop'));
    limits.release();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(stopped).toEqual(['signalled:abort']);
    expect(limits.timedOut).toBe(false);
  });
});
