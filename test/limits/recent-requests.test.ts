// The 429 warning says how many requests the client let through in the last minute: counted from
// the gate's record of recent requests (a ring of the last 10 000), on the manual clock.
import { describe, expect, it } from 'vitest';
import { createGate } from '../../src/limits/limit-gate.js';
import { createLogger } from '../../src/util/logger.js';
import { useManualClock } from '../support/manual-clock.js';

const clock = useManualClock({ auto: false });

function gateWithLines() {
  const lines: string[] = [];
  const sink = { error() {}, warn: (line: string) => lines.push(line), info() {}, debug() {} };
  return { gate: createGate(undefined, createLogger('warn', sink, undefined)), lines };
}

describe('the 429 warning counts what the last minute let through', () => {
  it('requests older than a minute are not counted; one that gets the 429 is not in the limit', () => {
    const { gate, lines } = gateWithLines();
    for (let i = 0; i < 30; i++) gate.acquire({ startsWork: i % 3 !== 0 }); // 20 that start work
    clock.advance(61_000);
    for (let i = 0; i < 5; i++) gate.acquire({ startsWork: true });
    for (let i = 0; i < 3; i++) gate.acquire({ startsWork: false });
    gate.pause(clock.now() + 1_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Rate limited \(429\) after 4 requests that start work \(8 requests in all\)/);
  });

  it('keeps the last 10 000 requests however many came within the minute', () => {
    const { gate, lines } = gateWithLines();
    for (let i = 0; i < 25_000; i++) gate.acquire({ startsWork: i >= 24_000 });
    gate.pause(clock.now() + 1_000);
    expect(lines[0]).toMatch(/after 999 requests that start work \(10000 requests in all\)/);
  });
});
