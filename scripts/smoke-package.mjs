// Installs the packed tarball into a temporary project and uses it the way users will: ESM and CJS
// together, both entry points, isSegmindError across the two copies, and nothing else importable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'segmind-smoke-'));
try {
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, stdio: 'inherit' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'smoke', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', `./${tarball}`], {
    cwd: work,
    stdio: 'inherit',
  });
  writeFileSync(
    join(work, 'check.mjs'),
    `
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
const esm = await import('segmind');
const cjs = createRequire(import.meta.url)('segmind');
const testingEsm = await import('segmind/testing');
const testingCjs = createRequire(import.meta.url)('segmind/testing');
assert.equal(typeof esm.SegmindClient, 'function');
assert.equal(typeof cjs.SegmindClient, 'function');
assert.notEqual(esm.SegmindError, cjs.SegmindError, 'two copies are loaded');
const fromCjs = new cjs.NotFoundError({ status: 404, headers: {} });
assert.equal(fromCjs instanceof esm.SegmindError, false);
assert.equal(esm.isSegmindError(fromCjs), true);
assert.equal(cjs.isSegmindError(new esm.RateLimitError({ status: 429, headers: {} })), true);
assert.equal(esm.SAMPLERS.length, 27);
assert.equal(typeof testingEsm.createMockServer, 'function');
assert.equal(typeof testingCjs.createMockServer, 'function');
await assert.rejects(import('segmind/dist/index.js'), /ERR_PACKAGE_PATH_NOT_EXPORTED/);
console.log('package smoke: ESM, CJS, segmind/testing and isSegmindError across copies all work');
`,
  );
  execFileSync(process.execPath, ['check.mjs'], { cwd: work, stdio: 'inherit' });
} finally {
  rmSync(work, { recursive: true, force: true });
}
