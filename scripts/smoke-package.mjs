// Packs the package as `npm publish` would (prepack builds dist/ first), checks the packed file
// list, then installs the tarball into a temporary project and uses it the way users will: ESM and
// CJS together, both entry points, isSegmindError across the two copies, and nothing else importable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'segmind-smoke-'));

/** Files every tarball must ship: both formats and both type flavours of each entry point. */
const REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'testing/package.json',
  ...['index', 'testing'].flatMap((entry) =>
    ['.js', '.cjs', '.d.ts', '.d.cts'].map((ext) => `dist/${entry}${ext}`),
  ),
];
/** Nothing of the sources, tests, tooling or local state. */
const FORBIDDEN = [
  /^(src|test|reliability|bench|examples|scripts|node_modules|coverage|out|\.ci|\.github)\//,
  /\.test(-d)?\.[cm]?[jt]s$/,
  /^(tsconfig|tsup\.config|vitest[\w.]*\.config|biome)\b/,
  /(^|\/)\.env/,
];

/** Checks the list `npm pack --json` reports; returns the problems found. */
function packedFileProblems(files) {
  const problems = REQUIRED.filter((f) => !files.includes(f)).map((f) => `missing ${f}`);
  for (const f of files) if (FORBIDDEN.some((re) => re.test(f))) problems.push(`should not ship ${f}`);
  return problems;
}

try {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
      // prepack's build log goes to the terminal; stdout carries only the JSON.
      stdio: ['ignore', 'pipe', 'inherit'],
    }).replace(/^[\s\S]*?(?=^\[$)/m, ''),
  );
  const { filename, files, size } = packed[0];
  const problems = packedFileProblems(files.map((f) => f.path));
  if (problems.length) {
    console.error(`package smoke: the tarball's file list is wrong:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
    throw new Error('packed file list');
  }
  console.log(`package smoke: ${files.length} files, ${(size / 1024).toFixed(0)} kB packed, list checked`);
  const tarball = filename;
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
