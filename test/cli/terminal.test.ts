// The bin on a terminal (stdout and stderr report isTTY), and interrupted by Ctrl-C at the point under
// test, in process on the manual clock. The real pseudo-terminal and real signals: bin.smoke.test.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { createMockServer } from 'segmind/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TextSource } from '../../src/cli/io.js';
import { useManualClock } from '../support/manual-clock.js';
import { useServer } from '../support/use-server.js';
import { cli, expectInterruptedOneJob, tempDir } from './run-cli.js';

// Long enough that a status check lands in each state.
const server = useServer(() => createMockServer({ queueTime: 400, jobDuration: 2_500 }));
useManualClock();
let dir: string;
const env = (extra: Record<string, string> = {}) => ({
  SEGMIND_API_KEY: 'SG_0123456789abcdef',
  SEGMIND_BASE_URL: server.url,
  TERM: 'xterm-256color',
  ...extra,
});

beforeEach(() => {
  dir = tempDir('segmind-tty-');
});

// What a person saw: each redraw of the live line, control codes removed.
const frames = (output: string) =>
  output
    .split(/\r|\n/)
    .map((l) => stripVTControlCharacters(l).trim())
    .filter(Boolean);

describe('on a terminal', () => {
  it('redraws one status line in place: QUEUED, then PROCESSING, elapsed time, then the saved file', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'], {
      env: env(),
      cwd: dir,
      tty: true,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('\r\x1b[2K');
    const seen = frames(r.stderr);
    const queued = seen.findIndex((l) => /fast-flux-schnell QUEUED \d+\.\ds/.test(l));
    const processing = seen.findIndex((l) => /fast-flux-schnell PROCESSING \d+\.\ds/.test(l));
    expect(queued).toBeGreaterThanOrEqual(0);
    expect(processing).toBeGreaterThan(queued);
    // The line changed while the job ran (spinner and clock), not just at the state changes.
    expect(new Set(seen.slice(queued, processing + 1)).size).toBeGreaterThan(2);
    const elapsed = seen.flatMap((l) => /PROCESSING (\d+\.\d)s/.exec(l)?.[1] ?? []).map(Number);
    expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));
    expect(frames(r.stdout).at(-1)).toMatch(/^✔ fox\.png\s+\d+ KB/);
    expect(existsSync(join(dir, 'fox.png'))).toBe(true);
    // Colours on a terminal…
    expect(r.stderr).toContain('\x1b[33mQUEUED');
    // …and the line fits the terminal's width.
    for (const line of r.stderr.split('\r\x1b[2K')) {
      expect(stripVTControlCharacters(line).length).toBeLessThan(80);
    }
  });

  it('cuts the live line to a narrow terminal', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'], {
      env: env(),
      cwd: dir,
      tty: true,
      columns: 20,
    });
    expect(r.code).toBe(0);
    const drawn = r.stderr.split('\r\x1b[2K').filter(Boolean);
    expect(drawn.length).toBeGreaterThan(1);
    for (const line of drawn) expect(stripVTControlCharacters(line).length).toBeLessThanOrEqual(19);
  });

  it('honours NO_COLOR: no colours, the live line still redraws', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'], {
      env: env({ NO_COLOR: '1' }),
      cwd: dir,
      tty: true,
    });
    expect(r.code).toBe(0);
    const output = r.stdout + r.stderr;
    expect(output).toContain('\r\x1b[2K');
    expect(stripVTControlCharacters(output.replaceAll('\r\x1b[2K', ''))).toBe(
      output.replaceAll('\r\x1b[2K', ''),
    );
  });

  it('with --json writes JSON lines and no live line, even on a terminal', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png', '--json'], {
      env: env(),
      cwd: dir,
      tty: true,
    });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('\x1b[');
    expect(r.events.at(-1)).toMatchObject({ event: 'result', files: [{ path: 'fox.png' }] });
  });

  it('Ctrl-C while the line shows the job stops, prints the running request id and how to resume, and exits 130', async () => {
    const ctrlC = new AbortController();
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'], {
      env: env(),
      cwd: dir,
      tty: true,
      signal: ctrlC.signal,
      onWrite: (stream, written) => {
        if (stream === 'stderr' && /QUEUED|PROCESSING/.test(written)) ctrlC.abort();
      },
    });
    expect(r.code).toBe(130);
    const id = [...server.jobs.keys()][0]!;
    expect(r.stderr).toContain(`still running: ${id}`);
    expect(r.stderr).toContain(`segmind job ${id} --wait -o fox.png`);
    expect(existsSync(join(dir, 'fox.png'))).toBe(false);
    expect(server.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
  });
});

describe('Ctrl-C on a pipe', () => {
  it('mid-job: exit 130, and the id (with the resume command) as a JSON line', async () => {
    const ctrlC = new AbortController();
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'], {
      env: env(),
      cwd: dir,
      signal: ctrlC.signal,
      onWrite: (stream, written) => {
        if (stream === 'stdout' && written.includes('"status":"QUEUED"')) ctrlC.abort();
      },
    });
    expect(r.code).toBe(130);
    expectInterruptedOneJob(r, server.requests);
  });

  it('while waiting for the prompt on stdin: exit 130, nothing sent', async () => {
    const ctrlC = new AbortController();
    // A pipe nobody writes to: Ctrl-C comes the moment the bin waits on it.
    const silent: TextSource = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          ctrlC.abort();
          return new Promise<IteratorResult<string>>(() => {});
        },
      }),
    };
    const r = await cli(['run', 'fast-flux-schnell', '-o', 'fox.png'], {
      env: env(),
      cwd: dir,
      stdin: silent,
      signal: ctrlC.signal,
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('while reading stdin; nothing was sent');
    expect(server.requests).toHaveLength(0);
  });
});
