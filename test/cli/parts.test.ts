// The CLI's pieces that need no process: output modes, the bar's arithmetic, durations, safe writes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathIn, planOutput } from '../../src/cli/output-path.js';
import { pace, renderBar } from '../../src/cli/progress-bar.js';
import { type ExtensionMismatch, numbered, writeImage } from '../../src/cli/save-output.js';
import { createTerminal } from '../../src/cli/terminal.js';
import { parseDuration, UsageError } from '../../src/cli/usage.js';
import { clock } from '../../src/util/clock.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    chunks,
    stream: { isTTY, columns: 80, write: (s: string) => chunks.push(s) > 0 },
  };
}

describe('output mode', () => {
  it.each([
    // stdout TTY, stderr TTY, --json, NO_COLOR → json, live, coloured
    [true, true, false, '', false, true, true],
    [false, true, false, '', true, true, true],
    [true, true, true, '', true, false, false],
    [true, false, false, '', false, false, true],
    [true, true, false, '1', false, true, false],
  ])(
    'stdout TTY %s, stderr TTY %s, --json %s, NO_COLOR=%j → json %s, live line %s, colour %s',
    (outTTY, errTTY, jsonFlag, noColor, json, live, color) => {
      const out = stream(outTTY);
      const err = stream(errTTY);
      const term = createTerminal(jsonFlag, {
        stdout: out.stream,
        stderr: err.stream,
        env: { NO_COLOR: noColor },
        clock,
      });
      expect(term.json).toBe(json);
      expect(term.live).toBe(live);
      expect(term.paint('red', 'x') !== 'x').toBe(color);
      term.emit({ event: 'x' });
      term.say('hello');
      expect(out.chunks).toEqual(json ? ['{"event":"x"}\n'] : ['hello\n']);
    },
  );

  it('draws the live line with carriage return and erase-line, and clears it on stop', () => {
    const out = stream(true);
    const err = stream(true);
    const term = createTerminal(false, { stdout: out.stream, stderr: err.stream, env: {}, clock });
    const line = term.liveLine((frame) => `${frame} working`);
    line.stop();
    expect(err.chunks[0]).toBe('\r\x1b[2K⠋ working');
    expect(err.chunks.at(-1)).toBe('\r\x1b[2K');
  });

  it('never draws a live line when stderr is not a terminal', () => {
    const err = stream(false);
    const term = createTerminal(false, { stdout: stream(true).stream, stderr: err.stream, env: {}, clock });
    term.liveLine(() => 'working').stop();
    expect(err.chunks).toEqual([]);
  });
});

describe('progress bar', () => {
  const plain = createTerminal(false, {
    stdout: stream(true).stream,
    stderr: stream(true).stream,
    env: { NO_COLOR: '1' },
    clock,
  });

  it('shows done/total, the counts, the pace, ETA and the rate limit', () => {
    const line = renderBar(
      plain,
      { total: 100, succeeded: 44, failed: 1, running: 4, elapsed: 60_000, rpm: 50 },
      '⠋',
      20,
    );
    expect(line).toBe('⠋ [█████████░░░░░░░░░░░] 45/100  ✔44 ✖1 ▶4  44/min  ETA 1m13s  limit 50 rpm  1m00s');
  });

  it('has no ETA before the first item ends', () => {
    expect(pace({ total: 10, succeeded: 0, failed: 0, running: 3, elapsed: 5_000 })).toEqual({
      perMinute: 0,
      eta: undefined,
    });
    expect(
      renderBar(plain, { total: 10, succeeded: 0, failed: 0, running: 3, elapsed: 5_000 }, '⠋'),
    ).toContain('ETA –');
  });
});

describe('durations', () => {
  it.each([
    ['90', 90_000],
    ['500ms', 500],
    ['2.5s', 2_500],
    ['10m', 600_000],
    ['1h', 3_600_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration('timeout', text)).toBe(ms);
  });

  it.each(['', 'soon', '-5s', '0', '30d', '1e3'])('%j is refused naming the flag', (text) => {
    expect(() => parseDuration('timeout', text)).toThrow(UsageError);
    expect(() => parseDuration('timeout', text)).toThrow(/^--timeout: must be a duration/);
  });
});

describe('writing images', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'segmind-parts-'));
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const options = (cwd: string, force = false) => {
    const warnings: ExtensionMismatch[] = [];
    return { warnings, cwd, force, warn: (w: ExtensionMismatch) => warnings.push(w) };
  };

  it('puts a file inside -o when it is a folder, and numbers the images after the first', () => {
    const d = dir();
    expect(pathIn(planOutput(undefined, d, false), 'name')).toBe('name');
    expect(pathIn(planOutput('.', d, false), 'name')).toBe('name');
    expect(pathIn(planOutput('new/', d, false), 'name')).toBe(join('new', 'name'));
    expect(pathIn(planOutput('fox.jpg', d, false), 'name')).toBe('fox.jpg');
    expect([0, 1, 2].map((i) => numbered('out/fox.jpg', i))).toEqual([
      'out/fox.jpg',
      'out/fox-2.jpg',
      'out/fox-3.jpg',
    ]);
  });

  it('adds the extension of the bytes to a path without one, relative to the folder given', async () => {
    const d = dir();
    const o = options(d);
    const saved = await writeImage('fox', PNG, 'image/png', o);
    expect(saved).toEqual({ path: 'fox.png', size: PNG.length, contentType: 'image/png' });
    expect(readFileSync(join(d, 'fox.png'))).toEqual(PNG);
    expect(o.warnings).toEqual([]);
  });

  it('names a file by its bytes when the content type says otherwise', async () => {
    const d = dir();
    const saved = await writeImage('fox', PNG, 'image/jpeg', options(d));
    expect(saved).toMatchObject({ path: 'fox.png', contentType: 'image/png' });
  });

  it('keeps the bytes and the name when the extension differs, and warns', async () => {
    const d = dir();
    const o = options(d);
    const saved = await writeImage('fox.JPG', PNG, 'image/png', o);
    expect(saved.path).toBe('fox.JPG');
    expect(readFileSync(join(d, 'fox.JPG'))).toEqual(PNG);
    expect(o.warnings).toEqual([
      { code: 'extension-mismatch', path: 'fox.JPG', contentType: 'image/png', expected: '.png' },
    ]);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const quiet = options(d);
    await writeImage('photo.jpeg', jpeg, 'image/jpeg', quiet);
    expect(quiet.warnings).toEqual([]);
  });

  it('never replaces a file that appeared meanwhile, unless forced, and leaves no temporary file', async () => {
    const d = dir();
    const path = join(d, 'fox.png');
    writeFileSync(path, 'theirs');
    await expect(writeImage('fox.png', PNG, 'image/png', options(d))).rejects.toThrow(
      /already exists; not overwritten/,
    );
    expect(readFileSync(path, 'utf8')).toBe('theirs');
    await writeImage('fox.png', PNG, 'image/png', options(d, true));
    expect(readFileSync(path)).toEqual(PNG);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(d)).toEqual(['fox.png']);
  });
});
