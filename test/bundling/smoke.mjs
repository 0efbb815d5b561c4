#!/usr/bin/env node
// Bundled apps, run where there is no node_modules (the serverless deploy shape):
//
//   node test/bundling/smoke.mjs [esbuild-esm|esbuild-cjs|webpack|rollup|next-standalone ...]
//
// Packs the package (a fresh `npm run build`, then `npm pack`), installs the tarball
// into a temporary app outside the repository, and runs the app's checks (test/bundling/checks.mjs:
// an image from runSync, a result from run, a ValidationError) unbundled for reference. Then each
// bundler bundles the app; its output is copied alone into an empty temporary folder and run there
// against the fake (segmind/testing in another process, its URL in SEGMIND_SMOKE_URL). A bundle
// passes when it reports exactly what the unbundled app reported and carries neither the build
// machine's paths nor a `Cannot find module`. Next.js 15 (`output: 'standalone'`) builds a route
// handler that runs the same checks; the project folder is deleted and the standalone server,
// moved to an empty folder, answers the route.
//
// Installing the tarball needs no network: it is unpacked into node_modules/segmind and its
// dependencies (and the bundlers' apps' Next.js/React) are copied, hard-linked where the file
// system allows, from this repository's node_modules, at the versions package-lock.json pins.
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { packInto, unpackInto } from '../support/pack-package.mjs';
import { withFreshBuild } from './build-lock.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const MODULES = join(ROOT, 'node_modules');
/** Longest one bundled app (or one build step) may run before it is killed and fails. */
const RUN_TIMEOUT = 120_000;
/** `next build` takes about 100 s on this 2-core machine when it is idle. */
const NEXT_BUILD_TIMEOUT = 600_000;

export const BUNDLERS = ['esbuild-esm', 'esbuild-cjs', 'webpack', 'rollup'];
export const TARGETS = [...BUNDLERS, 'next-standalone'];

// ESM output of a bundle with CommonJS dependencies (undici is one) needs a `require` for Node's
// built-in modules: the banner every esbuild ESM deploy uses (AWS CDK, SST). It resolves only
// `node:` modules at run time; everything else is in the bundle.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __segmindSmokeRequire } from 'node:module'; const require = __segmindSmokeRequire(import.meta.url);";

/** Runs a command to its end; rejects with its output when it fails or outlives `timeout`. */
function run(command, args, { cwd, env = {}, timeout = RUN_TIMEOUT } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.once('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, out });
    });
  });
}

/** Copies a folder, hard-linking its files where the file system allows (fast, no extra space). */
function copyTree(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  try {
    execFileSync('cp', ['-al', from, to], { stdio: 'ignore' });
  } catch {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true, dereference: false });
  }
}

/** Where Node would find `name` from a package in `fromDir` of the repository's node_modules tree. */
function locate(name, fromDir) {
  for (let dir = fromDir; dir.startsWith(ROOT); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT) break;
  }
  return undefined;
}

/**
 * Copies the dependency closure of `names` (as installed in this repository) into `appDir`'s
 * node_modules, keeping each package's place in the tree so resolution is the same. Optional
 * dependencies and peers that are not installed here are left out, as npm leaves them.
 */
function installFromRepository(names, appDir) {
  const found = new Set();
  const queue = names.map((name) => [name, ROOT]);
  while (queue.length > 0) {
    const [name, from] = queue.shift();
    const dir = locate(name, from);
    if (!dir || found.has(dir)) continue;
    found.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({
      ...pkg.dependencies,
      ...pkg.optionalDependencies,
      ...pkg.peerDependencies,
    })) {
      queue.push([dep, dir]);
    }
  }
  // Outer packages first: copying one brings its nested node_modules along.
  for (const dir of [...found].sort((a, b) => a.length - b.length)) {
    const to = join(appDir, relative(ROOT, dir));
    if (!existsSync(to)) copyTree(dir, to);
  }
  return found.size;
}

/** A fresh `npm run build`, then `npm pack` into `workDir`; returns the tarball's path. */
export function packPackage(workDir) {
  // Build first (what prepack runs: its output would mix with pack's JSON), then pack, while no
  // other test rebuilds dist/.
  return withFreshBuild(() => packInto(workDir, { stderr: 'inherit' }));
}

/** Installs `tarball` into `appDir` (unpacked as npm would, its dependencies beside it). */
function installTarball(tarball, appDir) {
  const target = unpackInto(tarball, appDir);
  const pkg = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
  installFromRepository(Object.keys(pkg.dependencies ?? {}), appDir);
}

const WEBPACK_CONFIG = `// webpack 5 for Node, as a serverless user would configure it.
const { join } = require('node:path');
module.exports = {
  mode: 'production',
  target: 'node',
  entry: './app.mjs',
  output: { path: join(__dirname, 'out', 'webpack'), filename: 'app.cjs' },
};
`;

/** Makes the smoke app in `workDir/app` with the packed package installed; returns its folder. */
export function stageApp(workDir, tarball) {
  const appDir = join(workDir, 'app');
  mkdirSync(appDir, { recursive: true });
  writeFileSync(
    join(appDir, 'package.json'),
    JSON.stringify({ name: 'bundling-smoke', private: true, type: 'module' }, null, 2),
  );
  for (const file of ['app.mjs', 'checks.mjs', 'fake.mjs']) cpSync(join(HERE, file), join(appDir, file));
  writeFileSync(join(appDir, 'webpack.config.cjs'), WEBPACK_CONFIG);
  installTarball(tarball, appDir);
  return appDir;
}

/** Starts the fake (segmind/testing as installed in `appDir`) in its own process. */
export async function startFake(appDir) {
  const child = spawn(process.execPath, ['fake.mjs'], { cwd: appDir, stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise((resolvePromise, reject) => {
    createInterface({ input: child.stdout }).once('line', resolvePromise);
    child.once('exit', (code) => reject(new Error(`the fake exited with ${code}`)));
  });
  return {
    url: JSON.parse(line).url,
    stop: () =>
      new Promise((resolvePromise) => {
        if (child.exitCode !== null) return resolvePromise();
        child.once('exit', () => resolvePromise());
        child.stdin.end();
      }),
  };
}

/** What the app printed on its `SMOKE` line, or `{ crashed }` with the end of its output. */
function parseSmoke({ code, signal, out }) {
  const line = out.split('\n').find((l) => l.startsWith('SMOKE '));
  if (line) return JSON.parse(line.slice('SMOKE '.length));
  // The error's own line first (a stack follows it), then the end of the output.
  const lines = out.trim().split('\n');
  const error = lines.find((l) => /^\w*Error\b/.test(l)) ?? '';
  return { crashed: `exit ${code ?? signal}: ${error}\n${lines.slice(-4).join('\n')}` };
}

/** The app run unbundled from its folder (node_modules present): what every bundle must match. */
export async function runUnbundled(appDir, url) {
  return parseSmoke(
    await run(process.execPath, ['app.mjs'], { cwd: appDir, env: { SEGMIND_SMOKE_URL: url } }),
  );
}

/** Bundles the app with `bundler`; returns the output folder and the entry file's name in it. */
export async function bundle(bundler, appDir) {
  const outDir = join(appDir, 'out', bundler);
  rmSync(outDir, { recursive: true, force: true });
  const entry = join(appDir, 'app.mjs');
  if (bundler === 'esbuild-esm' || bundler === 'esbuild-cjs') {
    const esbuild = await import('esbuild');
    const esm = bundler === 'esbuild-esm';
    const file = esm ? 'app.mjs' : 'app.cjs';
    const result = await esbuild.build({
      // Run from the app's folder, as its owner would (esbuild's comments name paths relative to it).
      absWorkingDir: appDir,
      entryPoints: [entry],
      outfile: join(outDir, file),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: esm ? 'esm' : 'cjs',
      ...(esm ? { banner: { js: ESM_REQUIRE_BANNER } } : {}),
      logLevel: 'silent',
    });
    return { outDir, file, warnings: result.warnings.map((w) => w.text) };
  }
  if (bundler === 'webpack') {
    const cli = join(MODULES, 'webpack-cli', 'bin', 'cli.js');
    const r = await run(process.execPath, [cli, '--config', 'webpack.config.cjs'], { cwd: appDir });
    if (r.code !== 0) throw new Error(`webpack failed:\n${r.out}`);
    const warnings = r.out.split('\n').filter((l) => /^WARNING/.test(l));
    return { outDir, file: 'app.cjs', warnings };
  }
  if (bundler === 'rollup') {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const { default: commonjs } = await import('@rollup/plugin-commonjs');
    const { default: json } = await import('@rollup/plugin-json');
    const warnings = [];
    const builtins = new Set(builtinModules);
    const build = await rollup({
      input: entry,
      plugins: [nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }), commonjs(), json()],
      external: (id) => id.startsWith('node:') || builtins.has(id) || builtins.has(id.split('/')[0]),
      // Circular imports and misplaced annotations inside dependencies are rollup's usual noise.
      onwarn: (warning) => {
        if (warning.code !== 'CIRCULAR_DEPENDENCY' && warning.code !== 'INVALID_ANNOTATION')
          warnings.push(warning.message);
      },
    });
    await build.write({
      dir: outDir,
      format: 'esm',
      entryFileNames: '[name].mjs',
      chunkFileNames: '[name]-[hash].mjs',
    });
    await build.close();
    return { outDir, file: 'app.mjs', warnings };
  }
  throw new Error(`unknown bundler ${bundler} (one of ${BUNDLERS.join(', ')})`);
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/**
 * What a bundle must not carry: the build machine's paths and `Cannot find module '…'` (what
 * webpack writes in place of a module it could not follow: a missing module or a `require` of a
 * computed name).
 */
export function scanBundle(dir, forbiddenPaths) {
  const found = [];
  for (const file of filesUnder(dir)) {
    if (!/\.(c|m)?js$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const needle of [...forbiddenPaths, "Cannot find module '"]) {
      const at = text.indexOf(needle);
      if (at < 0) continue;
      const context = text.slice(Math.max(0, at - 60), at + needle.length + 40).replace(/\s+/g, ' ');
      found.push(`${relative(dir, file)} contains ${JSON.stringify(needle)}: …${context}…`);
    }
  }
  return found;
}

/** A fresh empty folder outside the build folder, checked to have no node_modules above it. */
function emptyFolder(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (let up = dirname(dir); ; up = dirname(up)) {
    if (existsSync(join(up, 'node_modules')))
      throw new Error(`${up} has a node_modules: pick another TMPDIR`);
    if (dirname(up) === up) break;
  }
  return dir;
}

/**
 * Bundles the app with `bundler`, copies the output alone into an empty folder and runs it there.
 * Returns `{ target, result, leaks, warnings, runDir }`; never throws for a failing bundle.
 */
export async function runBundled(bundler, appDir, url, workDir) {
  let built;
  try {
    built = await bundle(bundler, appDir);
  } catch (err) {
    return {
      target: bundler,
      result: { crashed: `bundling failed: ${err.message}` },
      leaks: [],
      warnings: [],
    };
  }
  const leaks = scanBundle(built.outDir, [ROOT, workDir]);
  const runDir = emptyFolder(`segmind-bundled-${bundler}-`);
  try {
    cpSync(built.outDir, runDir, { recursive: true });
    const result = parseSmoke(
      await run(process.execPath, [built.file], { cwd: runDir, env: { SEGMIND_SMOKE_URL: url } }),
    );
    return { target: bundler, result, leaks, warnings: built.warnings };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/** GETs `url` until the server answers (it is starting), for up to `timeout` ms. */
async function getWhenUp(url, timeout) {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      const res = await fetch(url);
      return { status: res.status, text: await res.text() };
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Next.js 15 with `output: 'standalone'`: builds a route handler that runs the checks, keeps only
 * `.next/standalone` (and the static files), deletes the project folder, starts the standalone
 * server from an empty folder and calls the route. Returns what `runBundled` returns.
 */
export async function runNextStandalone(tarball, url, workDir) {
  const target = 'next-standalone';
  const project = join(workDir, 'next-app');
  cpSync(join(HERE, 'next-app'), project, { recursive: true });
  cpSync(join(HERE, 'checks.mjs'), join(project, 'checks.mjs'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'next-smoke', private: true }, null, 2),
  );
  installTarball(tarball, project);
  installFromRepository(['next', 'react', 'react-dom'], project);
  const build = await run(
    process.execPath,
    [join(project, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'],
    {
      cwd: project,
      env: { NEXT_TELEMETRY_DISABLED: '1' },
      timeout: NEXT_BUILD_TIMEOUT,
    },
  );
  const standalone = join(project, '.next', 'standalone');
  if (build.code !== 0 || !existsSync(join(standalone, 'server.js'))) {
    return {
      target,
      result: { crashed: `next build failed (${build.code ?? build.signal}):\n${build.out.slice(-3000)}` },
      leaks: [],
      warnings: [],
    };
  }
  cpSync(join(project, '.next', 'static'), join(standalone, '.next', 'static'), { recursive: true });
  const runDir = emptyFolder('segmind-next-standalone-');
  rmSync(runDir, { recursive: true });
  renameSync(standalone, runDir);
  // The deploy: nothing of the project is left but the standalone server.
  rmSync(project, { recursive: true, force: true });
  // Next's own manifests name the project folder (its page paths); no file may point into the
  // project's node_modules, where the SDK and its dependencies were at build time.
  const leaks = scanBundle(join(runDir, '.next'), [ROOT, join(project, 'node_modules')]);
  const port = await freePort();
  const server = spawn(process.execPath, ['server.js'], {
    cwd: runDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      SEGMIND_SMOKE_URL: url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  try {
    const answer = await getWhenUp(`http://127.0.0.1:${port}/api/smoke`, 60_000);
    let result;
    try {
      result = JSON.parse(answer.text);
    } catch {
      result = {
        crashed: `route answered ${answer.status}: ${answer.text.slice(0, 500)}\n${log.slice(-2000)}`,
      };
    }
    return { target, result, leaks, warnings: [] };
  } finally {
    server.kill();
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** Why a bundle's result is not the reference's, field by field; empty when they are equal. */
export function differences(reference, result) {
  const fields = new Set([...Object.keys(reference), ...Object.keys(result)]);
  return [...fields]
    .filter((f) => !isDeepStrictEqual(reference[f], result[f]))
    .map((f) => `${f}: expected ${JSON.stringify(reference[f])}, got ${JSON.stringify(result[f])}`);
}

/** Checks that the unbundled reference itself shows the three behaviours, so a match means something. */
export function referenceProblems(reference) {
  const problems = [];
  if (reference.runSync?.imageResult !== true || !(reference.runSync.bytes > 0))
    problems.push(`runSync gave no image: ${JSON.stringify(reference.runSync)}`);
  if (reference.run?.status !== 'COMPLETED' || !reference.run.output?.includes('url'))
    problems.push(`run gave no result: ${JSON.stringify(reference.run)}`);
  if (reference.validation?.validationError !== true)
    problems.push(`no ValidationError: ${JSON.stringify(reference.validation)}`);
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const targets = process.argv.slice(2).length ? process.argv.slice(2) : TARGETS;
  const unknown = targets.filter((t) => !TARGETS.includes(t));
  if (unknown.length) throw new Error(`unknown target ${unknown.join(', ')} (one of ${TARGETS.join(', ')})`);
  const workDir = mkdtempSync(join(tmpdir(), 'segmind-bundling-'));
  let failed = false;
  let fake;
  try {
    console.log('== a fresh build, packed and installed in a temporary app');
    const tarball = await packPackage(workDir);
    const appDir = stageApp(workDir, tarball);
    fake = await startFake(appDir);
    const reference = await runUnbundled(appDir, fake.url);
    const problems = referenceProblems(reference);
    console.log(`== unbundled: ${problems.length ? 'FAILED' : 'passed'} ${JSON.stringify(reference)}`);
    for (const p of problems) console.log(`  FAIL ${p}`);
    failed ||= problems.length > 0;
    for (const target of targets) {
      const started = Date.now();
      const r =
        target === 'next-standalone'
          ? await runNextStandalone(tarball, fake.url, workDir)
          : await runBundled(target, appDir, fake.url, workDir);
      const diff = differences(reference, r.result);
      const ok = diff.length === 0 && r.leaks.length === 0;
      failed ||= !ok;
      console.log(
        `== ${target}: ${ok ? 'passed' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
      for (const d of diff) console.log(`  FAIL ${d}`);
      for (const l of r.leaks) console.log(`  FAIL ${l}`);
      for (const w of r.warnings) console.log(`  warning: ${w.split('\n')[0]}`);
    }
  } finally {
    await fake?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log(failed ? 'bundling smoke: FAILED' : 'bundling smoke: passed');
  process.exit(failed ? 1 : 0);
}
