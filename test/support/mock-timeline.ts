import type { RecordedRequest } from '../../src/testing/index.js';
import type { ManualClock } from './manual-clock.js';

/**
 * Makes a fake server's jobs move one step per status check instead of with the wall clock: each
 * status request moves `clock` (and so the fake's `Date`) forward by `step` ms before it is
 * answered. With `queueTime` and `jobDuration` a few steps long, every state is seen however slow
 * the client (or the machine) is. Time passes nowhere else, so nothing else changes state.
 */
export function stepOnStatusCheck(
  server: { requests: RecordedRequest[] },
  clock: ManualClock,
  step: number,
): void {
  const log = server.requests;
  // Called again (the next test's clock), it replaces its previous hook rather than stacking.
  Reflect.deleteProperty(log, 'push');
  const push = log.push.bind(log);
  // The fake records a request just before it answers it, in the same turn.
  log.push = (...items: RecordedRequest[]) => {
    for (const item of items) {
      if (item.method === 'GET' && /\/status$/.test(item.path)) {
        void clock.advance(step); // nothing sleeps on this clock, so it moves at once
        item.at = clock.now();
      }
    }
    return push(...items);
  };
}
