// kill -9 a journaled batch at random moments, then run it again: `npx tsx reliability/batch-kill.ts [trials]`.
//
// Each trial runs a 24-item batch in a child process against a fake in this process, kills it with
// SIGKILL at a moment drawn uniformly over the batch's length (measured once per configuration, by
// a run that is not killed), then runs the same batch again with the same journal, to the end.
// Configurations alternate: the fake's limit paced by its 429s (no client limit), the client's own
// limit, and injected 429/5xx answers. Checked per trial:
// - submits across both runs never exceed the items (no item billed twice, counted from the jobs
//   the fake created);
// - no item is reported may-have-been-billed when the fake has no job for it and its last POST was
//   answered (with a 429 or 5xx) more than 250 ms before the kill: that answer proved nothing was
//   billed, and the journal had time to say so.
// Exits 1 when a trial breaks either rule. The machine may be loaded: times are for the report only.
import { CONFIGS, killTrial, problemsOf, type TrialResult } from '../test/batch/kill-trial.js';

const trials = Number(process.argv[2] ?? 20);

// How long each configuration's batch takes when nobody kills it.
const lengths = new Map<string, number>();
for (const config of CONFIGS) {
  const r = await killTrial(config, { at: 600_000 });
  if (!r.finishedFirst) throw new Error(`${config.name}: the calibration run did not finish`);
  lengths.set(config.name, r.firstRunMs);
  console.log(`${config.name}: a run takes ${r.firstRunMs} ms unkilled`);
}

const rows: Array<{ trial: number; config: string; killAt: number; r: TrialResult; problems: string[] }> = [];
for (let trial = 0; trial < trials; trial++) {
  const config = CONFIGS[trial % CONFIGS.length]!;
  const killAt = Math.floor(Math.random() * (lengths.get(config.name) ?? 2_000));
  const r = await killTrial(config, { at: killAt });
  rows.push({ trial, config: config.name, killAt, r, problems: problemsOf(config, r) });
  const b = r.reportedBilled;
  console.log(
    [
      `#${String(trial + 1).padStart(2)}`,
      config.name.padEnd(24),
      `kill at ${String(killAt).padStart(4)} ms${r.finishedFirst ? ' (after the end)' : ''}`,
      `yielded ${String(r.yieldedBeforeKill).padStart(2)}`,
      `billed ${r.billed}/${config.items} (max ${r.mostForOneItem} per item)`,
      `POSTs ${r.posts}`,
      `rerun ok ${r.ok}`,
      `reported billed: ${b.withJob} with a job, ${b.neverReceived} never received, ${b.answeredJustBeforeKill.length} answered ≤ 250 ms before the kill${b.answeredJustBeforeKill.length ? ` (${b.answeredJustBeforeKill.join(', ')} ms before)` : ''}`,
      r.otherFailures.length ? `other failures ${r.otherFailures.length}` : '',
      rows[rows.length - 1]!.problems.length
        ? `PROBLEM: ${rows[rows.length - 1]!.problems.join('; ')}`
        : 'ok',
    ]
      .filter(Boolean)
      .join(' | '),
  );
}

const sum = (f: (r: TrialResult) => number) => rows.reduce((n, row) => n + f(row.r), 0);
const broken = rows.filter((row) => row.problems.length > 0);
console.log(
  `\n${trials} trials: ${broken.length} broke the promise; items billed ${sum((r) => r.billed)} of ${sum(() => 24)} ` +
    `(max ${Math.max(...rows.map((row) => row.r.mostForOneItem))} per item); POSTs ${sum((r) => r.posts)}; ` +
    `reported may-have-been-billed: ${sum((r) => r.reportedBilled.withJob)} with a job, ` +
    `${sum((r) => r.reportedBilled.neverReceived)} never received, ` +
    `${sum((r) => r.reportedBilled.answeredJustBeforeKill.length)} answered just before the kill; ` +
    `${rows.filter((row) => row.r.finishedFirst).length} first runs ended before their kill.`,
);
process.exit(broken.length > 0 ? 1 : 0);
