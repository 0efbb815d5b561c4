// The bin under a real pseudo-terminal (util-linux `script`), and interrupted with SIGINT.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { createMockServer, type MockServer } from 'segmind/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../support/child.js';
import { BIN, cleanEnv, parseLines, spawnNodeClean } from './bin.js';

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let server: MockServer;
let dir: string;
const env = (extra: Record<string, string> = {}) =>
  cleanEnv({ SEGMIND_API_KEY: 'SG_0123456789abcdef', SEGMIND_BASE_URL: server.url, ...extra });

beforeAll(async () => {
  // Long enough that a status check lands in each state.
  server = await createMockServer({ queueTime: 400, jobDuration: 2_500 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  dir = mkdtempSync(join(tmpdir(), 'segmind-tty-'));
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const TSX = import.meta.resolve('tsx');

/** Runs the bin inside `script`, so both its stdout and stderr are a terminal; returns what it drew. */
function underTerminal(
  args: string[],
  extraEnv: Record<string, string> = {},
  act?: (child: ChildProcess, output: () => string) => void,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, '--import', TSX, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: dir,
      env: {
        ...process.env,
        ...env(extraEnv),
        NODE_NO_WARNINGS: '1',
        TSX_TSCONFIG_PATH: `${ROOT}tsconfig.json`,
        TERM: 'xterm-256color',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.once('error', reject);
    act?.(child, () => output);
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code, output });
    });
  });
}

// What a person saw: each redraw of the live line, control codes removed.
const frames = (output: string) =>
  output
    .split(/\r|\n/)
    .map((l) => stripVTControlCharacters(l).trim())
    .filter(Boolean);

describe.skipIf(!hasScript)('on a terminal', () => {
  it('redraws one status line in place: QUEUED, then PROCESSING, elapsed time, then the saved file', async () => {
    const { code, output } = await underTerminal(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png']);
    expect(code).toBe(0);
    expect(output).toContain('\r\x1b[2K');
    const seen = frames(output);
    const queued = seen.findIndex((l) => /fast-flux-schnell QUEUED \d+\.\ds/.test(l));
    const processing = seen.findIndex((l) => /fast-flux-schnell PROCESSING \d+\.\ds/.test(l));
    expect(queued).toBeGreaterThanOrEqual(0);
    expect(processing).toBeGreaterThan(queued);
    // The line changed while the job ran (spinner and clock), not just at the state changes.
    expect(new Set(seen.slice(queued, processing + 1)).size).toBeGreaterThan(2);
    expect(seen.at(-1)).toMatch(/^✔ fox\.png\s+\d+ KB/);
    expect(existsSync(join(dir, 'fox.png'))).toBe(true);
    // Colours on a terminal…
    expect(output).toContain('\x1b[33mQUEUED');
  });

  it('honours NO_COLOR: no colours, the live line still redraws', async () => {
    const { code, output } = await underTerminal(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'], {
      NO_COLOR: '1',
    });
    expect(code).toBe(0);
    expect(output).toContain('\r\x1b[2K');
    expect(stripVTControlCharacters(output.replaceAll('\r\x1b[2K', ''))).toBe(
      output.replaceAll('\r\x1b[2K', ''),
    );
  });

  it('with --json writes JSON lines and no live line, even on a terminal', async () => {
    const { code, output } = await underTerminal([
      'run',
      'fast-flux-schnell',
      'a fox',
      '-o',
      'fox.png',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(output).not.toContain('\x1b[');
    const events = parseLines(output.replace(/\r/g, ''));
    expect(events.at(-1)).toMatchObject({ event: 'result', files: [{ path: 'fox.png' }] });
  });

  it('Ctrl-C stops, prints the running request id and how to resume, and exits 130', async () => {
    const { code, output } = await underTerminal(
      ['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'],
      {},
      (child, seen) => {
        const timer = setInterval(() => {
          if (/QUEUED|PROCESSING/.test(seen())) {
            clearInterval(timer);
            child.stdin?.write('\x03'); // what the Ctrl-C key sends
          }
        }, 20);
      },
    );
    expect(code).toBe(130);
    const id = [...server.jobs.keys()][0]!;
    expect(output).toContain(`still running: ${id}`);
    expect(output).toContain(`segmind job ${id} --wait -o fox.png`);
    expect(existsSync(join(dir, 'fox.png'))).toBe(false);
  });
});

describe('SIGINT on a pipe', () => {
  it('mid-job: exit 130, and the id (with the resume command) as a JSON line', async () => {
    const child = spawnNodeClean(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'], {
      env: env(),
      cwd: dir,
    });
    child.stdin?.end();
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => {
      let sent = false;
      child.stdout?.on('data', (d) => {
        stdout += d;
        // One Ctrl-C only: a second one, arriving after the CLI has stopped listening (a busy
        // machine delivers it late), would end the process by the signal itself.
        if (!sent && stdout.includes('"status":"QUEUED"')) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('close', resolve);
    });
    expect(code).toBe(130);
    const events = parseLines(stdout);
    const id = events[0]!.requestId as string;
    expect(events.at(-1)).toEqual({
      event: 'interrupted',
      message: expect.stringContaining(id),
      running: [id],
      resume: [`segmind job ${id} --wait -o fox.png`],
    });
    expect(stderr).toContain(`segmind job ${id} --wait`);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
