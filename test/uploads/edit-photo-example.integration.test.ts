import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeImageInputs, pngSize } from '../../src/testing/index.js';
import { ROOT, runNode } from '../support/child.js';

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'segmind-edit-photo-'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

// The example starts its own fake server: no key, no network, in a child process on real time.
describe('examples/edit-photo.ts', { timeout: 120_000 }, () => {
  it('edits a photo from disk with flux-kontext-pro against the fake, uploading it once', async () => {
    const out = await runNode([join(ROOT, 'examples', 'edit-photo.ts')], {
      cwd,
      timeout: 120_000,
      env: { SEGMIND_API_KEY: '', SEGMIND_BASE_URL: '', SEGMIND_LOG: 'off' },
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /^fake Segmind server at http:\/\/127\.0\.0\.1:\d+ \(no key, no network\)\nwrote photo\.png\n(status \w+\n)*status COMPLETED\nsaved photo-night\.png \(640×480\)\nmade from photo\.png: yes\nedited twice, uploads: 1\n$/,
    );
    expect((await readdir(cwd)).sort()).toEqual(['photo-night.png', 'photo.png']);
    // Checked here too, from the files themselves: the edit was made from the photo on disk.
    const photo = await readFile(join(cwd, 'photo.png'));
    const edited = await readFile(join(cwd, 'photo-night.png'));
    expect(fakeImageInputs(edited)).toEqual({
      input_image: createHash('sha256').update(photo).digest('hex'),
    });
    expect(pngSize(edited)).toEqual(pngSize(photo));
  });
});
