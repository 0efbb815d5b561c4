// Section 4: wall time of the first import of a package in a fresh process, median of N runs.
import { execFileSync } from 'node:child_process';
import { ROOT, summary } from './support.js';

function importTime(specifier: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return Number(out.trim());
}

export function measureColdStart(runs: number) {
  const samples: Record<string, number[]> = { segmind: [], openai: [] };
  importTime('segmind'); // let the OS cache the files for both before timing
  importTime('openai');
  for (let i = 0; i < runs; i++) {
    // Alternate so neither always runs on a warmer machine.
    for (const name of i % 2 ? ['openai', 'segmind'] : ['segmind', 'openai'])
      samples[name]!.push(importTime(name));
  }
  return { runs, segmind: summary(samples.segmind!), openai: summary(samples.openai!) };
}
