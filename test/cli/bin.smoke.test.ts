// The built bin (dist/cli.js) as a shell starts it: a child process with real streams, environment,
// signals and, where it matters, a real pseudo-terminal (util-linux `script`). Everything else about
// the CLI is tested in process (the other files here). Built once, before these tests.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/index.js';
import { ROOT } from '../support/child.js';
import { useFakes } from '../support/use-server.js';
import { expectInterruptedOneJob, parseLines, tempDir } from './run-cli.js';

const BIN = `${ROOT}dist/cli.js`;
const KEY = 'SG_0123456789abcdef';
const fake = useFakes();
let dir: string;

beforeAll(async () => {
  // The bin's own tsup entry (tsup.config.ts), and nothing else: a few hundred ms.
  const { build } = await import('tsup');
  const configs = (await import('../../tsup.config.ts')).default;
  const cli = (Array.isArray(configs) ? configs : []).find(
    (c) => typeof c.entry === 'object' && !Array.isArray(c.entry) && 'cli' in c.entry,
  );
  if (!cli) throw new Error('tsup.config.ts has no `cli` entry');
  await build({
    ...cli,
    entry: { cli: `${ROOT}src/cli/index.ts` },
    outDir: `${ROOT}dist`,
    config: false,
    silent: true,
  });
});

beforeEach(() => {
  dir = tempDir('segmind-bin-');
});

/** The parent's environment without SEGMIND_*, NO_COLOR and FORCE_COLOR, then the test's own. */
function cleanEnv(env: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(SEGMIND_|NO_COLOR$|FORCE_COLOR$)/.test(k)) kept[k] = v;
  }
  return { ...kept, ...env };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node dist/cli.js args` on pipes; `act` sees each stdout chunk (to act on a reported state). */
function bin(
  args: string[],
  env: Record<string, string>,
  options: { input?: string; act?: (child: ChildProcess, stdout: string) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: cleanEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      options.act?.(child, stdout);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.stdin.end(options.input ?? '');
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('the built bin on pipes', () => {
  it('prints its version; a missing key is a usage error naming SEGMIND_API_KEY (exit 2)', async () => {
    expect(await bin(['--version'], {})).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const r = await bin(['run', 'fast-flux-schnell', 'a fox'], { SEGMIND_BASE_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SEGMIND_API_KEY');
  });

  it('runs a job with the prompt from stdin: JSON lines on a pipe, the image saved, exit 0', async () => {
    const server = await fake({ queueTime: 20, jobDuration: 40 });
    const r = await bin(
      ['run', 'fast-flux-schnell', '-o', 'fox.png'],
      { SEGMIND_API_KEY: KEY, SEGMIND_BASE_URL: server.url },
      { input: 'a lighthouse\n' },
    );
    expect(r.code).toBe(0);
    const events = parseLines(r.stdout);
    expect(events[0]).toMatchObject({ event: 'submitted' });
    expect(events.at(-1)).toMatchObject({ event: 'result', files: [{ path: 'fox.png' }] });
    expect(server.requests[0]!.json).toEqual({ prompt: 'a lighthouse' });
    expect(readFileSync(join(dir, 'fox.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('SIGINT once the job is reported QUEUED: exit 130, the id and the resume command as a JSON line', async () => {
    // The job stays queued: the signal arrives in the state under test however busy the machine.
    const server = await fake({ queueTime: 600_000 });
    let sent = false;
    const r = await bin(
      ['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'],
      { SEGMIND_API_KEY: KEY, SEGMIND_BASE_URL: server.url },
      {
        act: (child, stdout) => {
          // One signal only: a second one means "exit now".
          if (!sent && stdout.includes('"status":"QUEUED"')) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(r).toMatchObject({ code: 130, signal: null });
    expectInterruptedOneJob(r, server.requests);
  });
});

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the bin inside `script`, so stdin, stdout and stderr are a terminal; returns what it drew. */
function underTerminal(
  args: string[],
  env: Record<string, string>,
  act?: (child: ChildProcess, output: string) => void,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: dir,
      env: cleanEnv({ ...env, TERM: 'xterm-256color' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
      act?.(child, output);
    });
    child.once('error', reject);
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code, output });
    });
  });
}

describe.skipIf(!hasScript)('the built bin on a pseudo-terminal', () => {
  it('draws a live status line in colour, redrawn in place, then the saved file', async () => {
    const server = await fake({ queueTime: 300, jobDuration: 300 });
    const { code, output } = await underTerminal(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'], {
      SEGMIND_API_KEY: KEY,
      SEGMIND_BASE_URL: server.url,
    });
    expect(code).toBe(0);
    // The states it goes through are tested in process (terminal.test.ts); here, that a real
    // terminal is detected: the line is drawn in place, in colour, from the first frame on.
    expect(output).toContain('\r\x1b[2K\x1b[36m⠋\x1b[39m fast-flux-schnell submitting');
    const seen = output
      .split(/\r|\n/)
      .map((l) => stripVTControlCharacters(l).trim())
      .filter(Boolean);
    expect(seen.at(-1)).toMatch(/^✔ fox\.png\s+\d+ KB/);
    expect(existsSync(join(dir, 'fox.png'))).toBe(true);
  });

  it('the Ctrl-C key, once the line shows the job: exit 130, the running id and how to resume', async () => {
    const server = await fake({ queueTime: 600_000 });
    let sent = false;
    const { code, output } = await underTerminal(
      ['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'],
      { SEGMIND_API_KEY: KEY, SEGMIND_BASE_URL: server.url },
      (child, seen) => {
        if (!sent && /QUEUED/.test(seen)) {
          sent = true;
          child.stdin?.write('\x03'); // what the Ctrl-C key sends
        }
      },
    );
    expect(code).toBe(130);
    const id = [...server.jobs.keys()][0]!;
    expect(output).toContain(`still running: ${id}`);
    expect(output).toContain(`segmind job ${id} --wait -o fox.png`);
    expect(existsSync(join(dir, 'fox.png'))).toBe(false);
  });
});
