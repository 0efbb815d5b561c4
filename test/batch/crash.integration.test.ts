// kill -9 at a random moment of a journaled batch, then the same batch again: never billed twice,
// and nothing reported may-have-been-billed that an answer had proved was not. (The measurement
// with more trials: reliability/batch-kill.ts.)
import { describe, expect, it } from 'vitest';
import { CONFIGS, killTrial, problemsOf } from './kill-trial.js';

describe('kill -9 mid-batch, then a rerun', () => {
  // Smaller than the measurement's batches, to keep the suite fast.
  for (const config of [CONFIGS[0]!, CONFIGS[2]!].map((c) => ({ ...c, items: 12 }))) {
    it(`${config.name}: each item billed at most once`, async () => {
      // Killed after a random number of yielded items plus a random few ms: mid-run, at a moment
      // that differs from run to run (a failure message names it).
      const kill = {
        done: 1 + Math.floor(Math.random() * (config.items / 2)),
        delay: Math.floor(Math.random() * 40),
      };
      const result = await killTrial(config, kill);
      expect(problemsOf(config, result), JSON.stringify({ kill, result })).toEqual([]);
      expect(result.finishedFirst).toBe(false);
      expect(result.billed).toBeLessThanOrEqual(config.items);
      expect(
        result.ok +
          result.reportedBilled.withJob +
          result.reportedBilled.neverReceived +
          result.reportedBilled.answeredJustBeforeKill.length +
          result.otherFailures.length,
      ).toBe(config.items);
    });
  }
});
