import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runNode } from '../support/child.js';

describe('examples/batch.ts', () => {
  it('runs 100 prompts under the fake limit with a journal, one journal line per event', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'segmind-batch-example-'));
    const env = { SEGMIND_LOG: 'off', WINDOW_MS: '1000', SEGMIND_BASE_URL: '', SEGMIND_API_KEY: '' };
    const first = await runNode([join(ROOT, 'examples', 'batch.ts')], { cwd, timeout: 60_000, env });
    expect(first.code).toBe(0);
    // Nothing fails for the limit; a rare 429 at a window boundary on a loaded machine is absorbed by the pause.
    expect(first.stdout).toMatch(/100 images, 0 failed, \d+ 429s from the fake/);
    expect(first.stderr).toMatch(/100\/100 done/);
    const journal = await readFile(join(cwd, 'run.jsonl'), 'utf8');
    expect(journal.match(/"e":"submitted"/g)).toHaveLength(100);
  }, 90_000);
});
