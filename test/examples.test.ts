import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockServer } from '../src/testing/index.js';
import { ROOT, runNode } from './support/child.js';
import { useManualClock } from './support/manual-clock.js';
import { stepOnStatusCheck } from './support/mock-timeline.js';
import { useServer } from './support/use-server.js';

// The examples run in child processes on real time; the fake server here runs on a manual clock
// that moves 600 ms per status check, so a job is QUEUED at the first check, PROCESSING at the
// second and third, and COMPLETED at the fourth, however busy the machine is.
const server = useServer(() => createMockServer({ queueTime: 1_000, jobDuration: 1_000 }));
const clock = useManualClock({ auto: false });
beforeEach(() => stepOnStatusCheck(server, clock, 600));
let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'segmind-examples-'));
});

const example = (name: string, args: string[] = []) =>
  runNode([join(ROOT, 'examples', name), ...args], {
    cwd,
    timeout: 120_000,
    env: { SEGMIND_API_KEY: 'SG_example000000000', SEGMIND_BASE_URL: server.url, SEGMIND_LOG: 'off' },
  });

// Each example starts Node with tsx: seconds on a busy machine, so the limits are generous.
describe('examples run against the fake server', { timeout: 120_000 }, () => {
  it('sync.ts saves an image', async () => {
    const out = await example('sync.ts');
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/saved tiger\.png: \d+ bytes/);
    expect(await readdir(cwd)).toContain('tiger.png');
  });

  it('async-wait.ts waits and downloads', async () => {
    const out = await example('async-wait.ts');
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(
      /status QUEUED[\s\S]*status PROCESSING[\s\S]*status COMPLETED[\s\S]*downloaded car-/,
    );
  });

  it('resume-job.ts submits in one process and resumes in another', async () => {
    const first = await example('resume-job.ts');
    expect(first.stdout).toMatch(/submitted [\w-]+/);
    const second = await example('resume-job.ts', ['job.json']);
    expect(second.stderr).toBe('');
    expect(second.stdout).toMatch(/resumed [\w-]+: COMPLETED, output http:\/\/127\.0\.0\.1/);
  });

  it('error-handling.ts branches on the error class', async () => {
    const out = await example('error-handling.ts');
    expect(out.stdout).toMatch(/^ok: \d+ bytes\nfix your parameters: width must be a multiple of 8\n$/);
  });

  it('abort-timeout.ts cancels, times out and finishes', async () => {
    const out = await example('abort-timeout.ts');
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(
      /wait cancelled: user went away[\s\S]*not done within \d+ ms[\s\S]*finished within/,
    );
  });

  it('the demo runs offline and says what happened', async () => {
    const out = await runNode([join(ROOT, 'examples', 'demo.ts')], {
      cwd,
      timeout: 120_000,
      env: { SEGMIND_API_KEY: '' },
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /fake Segmind server[\s\S]*status COMPLETED[\s\S]*ValidationError[\s\S]*InferenceFailedError/,
    );
    expect((await readdir(join(cwd, 'out'))).sort()).toEqual(['car.png', 'tiger.png']);
  });
});
