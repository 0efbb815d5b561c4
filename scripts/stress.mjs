// `npm run test:stress`: the whole vitest suite, 5 runs in a row, with 4 CPU-burning processes
// beside it, the way a busy developer machine runs CI. Prints each run's result and the failing
// tests; exits non-zero if any run failed. The suite must pass every time: its timing assertions
// are on an injected clock or on order and counts, never on wall-clock bounds.
//
//   npm run test:stress                      # 5 runs, 4 burners
//   npm run test:stress -- --runs 2 --burners 2 -- test/jobs/async.test.ts   # after `--`: vitest arguments
//   npm run test:stress -- -- --config vitest.reliability.config.ts     # the reliability suite
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, burners: { type: 'string', default: '4' } },
  allowPositionals: true,
});
const runs = Number(values.runs);
const burnerCount = Number(values.burners);
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const logs = mkdtempSync(join(tmpdir(), 'segmind-stress-'));

// Busy loops in their own processes: they compete for every core for as long as the runs last.
const burners = Array.from({ length: burnerCount }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopBurners = () => {
  for (const burner of burners)
    if (burner.exitCode === null && burner.signalCode === null) burner.kill('SIGKILL');
};
process.once('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopBurners();
    process.exit(130);
  });
}

/** Runs vitest once; resolves with its exit code, its output and the names of the failed tests. */
function runSuite() {
  return new Promise((done) => {
    // What `npm test` runs (the unit and integration projects) unless vitest arguments say otherwise.
    const scope = positionals.length > 0 ? positionals : ['--project', 'unit', '--project', 'integration'];
    const child = spawn(process.execPath, [vitest, 'run', ...scope], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('close', (code) => {
      output = stripVTControlCharacters(output);
      const failed = [...new Set(output.match(/^ *(?:FAIL|×) .*$/gm) ?? [])].map((l) => l.trim());
      done({ code, output, failed });
    });
  });
}

const summary = [];
console.log(
  `stress: ${runs} runs of vitest beside ${burnerCount} CPU burners (load ${loadavg()[0].toFixed(1)}); logs in ${logs}`,
);
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const { code, output, failed } = await runSuite();
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const log = join(logs, `run-${run}.log`);
  writeFileSync(log, output);
  const tests = /^\s*Tests\s+(.*)$/m.exec(output)?.[1]?.trim() ?? 'no summary';
  const ok = code === 0;
  summary.push(ok);
  console.log(
    `run ${run}/${runs}: ${ok ? 'PASS' : 'FAIL'} in ${seconds} s, load ${loadavg()[0].toFixed(1)}: ${tests}`,
  );
  if (!ok) {
    for (const line of failed.slice(0, 20)) console.log(`    ${line}`);
    console.log(`    full output: ${log}`);
  }
}
stopBurners();
const passed = summary.filter(Boolean).length;
console.log(`stress: ${passed}/${runs} runs passed`);
process.exitCode = passed === runs ? 0 : 1;
