import { describe, expect, it } from 'vitest';
import {
  adaptiveSchedule,
  DurationStats,
  MIN_POLL_INTERVAL,
  nextPollDelay,
} from '../../src/jobs/poll-schedule.js';

describe('poll schedule', () => {
  it('before it knows a model: 250 ms, 500 ms, then the base interval', () => {
    const schedule = adaptiveSchedule(1_000, undefined);
    expect([1, 2, 3, 4, 5].map((polls) => schedule({ polls, elapsed: 0, status: 'QUEUED' }))).toEqual([
      250, 500, 1_000, 1_000, 1_000,
    ]);
  });

  it('once it knows a model: sleeps to the usual end, polls densely there, then backs off', () => {
    const stats = new DurationStats();
    for (const ms of [1_900, 2_000, 2_100, 2_200, 2_300]) stats.record('m', ms - 50, ms + 50);
    const window = stats.window('m')!;
    expect(window[0]).toBeGreaterThanOrEqual(1_900);
    expect(window[1]).toBeLessThanOrEqual(2_300);
    const schedule = adaptiveSchedule(1_000, window);
    const first = schedule({ polls: 1, elapsed: 20, status: 'QUEUED' });
    expect(20 + first).toBeGreaterThan(1_700);
    expect(20 + first).toBeLessThan(window[0]);
    const dense = schedule({ polls: 2, elapsed: window[0], status: 'PROCESSING' });
    expect(dense).toBeGreaterThanOrEqual(MIN_POLL_INTERVAL);
    expect(dense).toBeLessThan(250);
    expect(schedule({ polls: 9, elapsed: 10_000, status: 'PROCESSING' })).toBe(1_000);
  });

  it('prefers precise samples over coarse ones once it has enough', () => {
    const stats = new DurationStats();
    for (let i = 0; i < 5; i++) stats.record('m', 250, 1_750); // coarse: anywhere in 1.5 s
    expect(stats.window('m')).toEqual([1_000, 1_000]);
    for (const ms of [1_600, 1_700, 1_800]) stats.record('m', ms - 100, ms + 100);
    expect(stats.window('m')).toEqual([1_600, 1_800]);
  });

  it('needs a few samples and ignores nonsense', () => {
    const stats = new DurationStats();
    stats.record('m', 100, 200);
    stats.record('m', Number.NaN, 1);
    stats.record('m', 300, 100);
    expect(stats.window('m')).toBeUndefined();
  });

  it('never polls more than 10 times a second, whatever the interval says', () => {
    expect(nextPollDelay(5, { polls: 1, elapsed: 0, status: 'QUEUED' })).toBe(MIN_POLL_INTERVAL);
    expect(nextPollDelay(() => Number.NaN, { polls: 1, elapsed: 0, status: 'QUEUED' })).toBe(
      MIN_POLL_INTERVAL,
    );
    expect(nextPollDelay(() => 2_500, { polls: 1, elapsed: 0, status: 'QUEUED' })).toBe(2_500);
  });
});
