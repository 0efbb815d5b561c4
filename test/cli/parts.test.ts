// The CLI's pieces that need no process: output modes, the bar's arithmetic, durations, safe writes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pace, renderBar } from '../../src/cli/progress-bar.js';
import { numbered, outputPath, writeImage } from '../../src/cli/save-output.js';
import { createTerminal } from '../../src/cli/terminal.js';
import { parseDuration, UsageError } from '../../src/cli/usage.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    chunks,
    stream: { isTTY, columns: 80, write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WriteStream,
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
    const term = createTerminal(false, { stdout: out.stream, stderr: err.stream, env: {} });
    const line = term.liveLine((frame) => `${frame} working`);
    line.stop();
    expect(err.chunks[0]).toBe('\r\x1b[2K⠋ working');
    expect(err.chunks.at(-1)).toBe('\r\x1b[2K');
  });

  it('never draws a live line when stderr is not a terminal', () => {
    const err = stream(false);
    const term = createTerminal(false, { stdout: stream(true).stream, stderr: err.stream, env: {} });
    term.liveLine(() => 'working').stop();
    expect(err.chunks).toEqual([]);
  });
});

describe('progress bar', () => {
  const plain = createTerminal(false, {
    stdout: stream(true).stream,
    stderr: stream(true).stream,
    env: { NO_COLOR: '1' },
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

  it('puts a file inside -o when it is a folder, and numbers the images after the first', () => {
    const d = dir();
    expect(outputPath(d, 'name')).toBe(join(d, 'name'));
    expect(outputPath('new/', 'name')).toBe(join('new', 'name'));
    expect(outputPath('fox.jpg', 'name')).toBe('fox.jpg');
    expect([0, 1, 2].map((i) => numbered('out/fox.jpg', i))).toEqual([
      'out/fox.jpg',
      'out/fox-2.jpg',
      'out/fox-3.jpg',
    ]);
  });

  it('adds the extension of the image type to a path without one', async () => {
    const d = dir();
    const saved = await writeImage(join(d, 'fox'), Buffer.from('png'), 'image/png', false);
    expect(saved).toEqual({ path: join(d, 'fox.png'), size: 3, contentType: 'image/png' });
  });

  it('never replaces a file that appeared meanwhile, unless forced, and leaves no temporary file', async () => {
    const d = dir();
    const path = join(d, 'fox.png');
    writeFileSync(path, 'theirs');
    await expect(writeImage(path, Buffer.from('ours'), 'image/png', false)).rejects.toThrow(
      /already exists; not overwritten/,
    );
    expect(readFileSync(path, 'utf8')).toBe('theirs');
    await writeImage(path, Buffer.from('ours'), 'image/png', true);
    expect(readFileSync(path, 'utf8')).toBe('ours');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(d)).toEqual(['fox.png']);
  });
});
