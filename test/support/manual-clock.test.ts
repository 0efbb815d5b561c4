// The manual clock the timing tests stand on: if it lied, they would pass for the wrong reasons.
import { describe, expect, it } from 'vitest';
import { UserAbortError } from '../../src/index.js';
import { clock as sdkClock } from '../../src/util/clock.js';
import { ManualClock, START, useManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('wakes sleepers in order, each at its own time, and only when time reaches it', async () => {
    const clock = new ManualClock();
    const woke: Array<[string, number]> = [];
    void clock.sleep(300).then(() => woke.push(['b', clock.now()]));
    void clock.sleep(100).then(() => woke.push(['a', clock.now()]));
    await clock.advance(99);
    expect(woke).toEqual([]);
    await clock.advance(301);
    expect(woke).toEqual([
      ['a', START + 100],
      ['b', START + 300],
    ]);
    expect(clock.now()).toBe(START + 400);
    expect(clock.sleeps).toEqual([300, 100]);
  });

  it('an abort rejects the sleep with UserAbortError at once and forgets it', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal).catch((e: unknown) => e);
    expect(clock.pending).toBe(1);
    controller.abort('why');
    const err = await sleeping;
    expect(err).toBeInstanceOf(UserAbortError);
    expect((err as UserAbortError).cause).toBe('why');
    expect(clock.pending).toBe(0);
    await expect(clock.sleep(5, AbortSignal.abort('no'))).rejects.toBeInstanceOf(UserAbortError);
  });

  it('auto-advance jumps to the end of each sleep as soon as it begins', async () => {
    const clock = new ManualClock();
    clock.autoAdvance();
    await clock.sleep(5_000);
    await clock.sleep(250);
    expect(clock.now()).toBe(START + 5_250);
    clock.autoAdvance(false);
  });
});

describe('useManualClock', () => {
  const clock = useManualClock({ auto: false });

  it('is the SDK clock and Date inside a test', async () => {
    expect(sdkClock.now()).toBe(START);
    expect(Date.now()).toBe(START);
    const slept = sdkClock.sleep(2_000);
    await clock.sleeping();
    await clock.advance(2_000);
    await slept;
    expect(Date.now()).toBe(START + 2_000);
    expect(new Date().toISOString()).toBe('2030-01-01T00:00:02.250Z');
  });
});
