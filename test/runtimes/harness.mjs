#!/usr/bin/env node
// Runs the packed package in each real runtime against the fake server on loopback:
//
//   node test/runtimes/harness.mjs [node|node-fetch|bun|deno|workerd|workerd-compat ...] [--node <path>]
//
// `npm run build` first: the package is packed (`npm pack --ignore-scripts`, so exactly the files
// users get) and unpacked into a temporary project outside the repository, whose node_modules
// links to this repository's dependencies. Bun and Deno run the smoke program against it directly;
// workerd runs it as a Worker bundled with the `workerd`/`worker`/`browser` conditions, with and
// without `nodejs_compat`. The fake (`segmind/testing`) stays a Node program in this process, with a
// small control server beside it for faults, request counts and the last request's headers. A runtime whose binary is missing
// FAILS: these binaries are dev dependencies, so a missing one is a broken install, not a skip.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packInto, unpackInto } from '../support/pack-package.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');
/** Longest a runtime may take for the whole smoke program before it is killed and fails. */
const RUN_TIMEOUT = 120_000;

export const RUNTIMES = ['node', 'node-fetch', 'bun', 'deno', 'deno-env', 'workerd', 'workerd-compat'];

/** The fake server and its control endpoint: POST /inject (a Fault), POST /reset, GET /count, GET /last. */
export async function startFake() {
  const { createMockServer } = await import('segmind/testing');
  const { API_KEY } = await import('./smoke.mjs');
  const mock = await createMockServer({ apiKey: API_KEY, queueTime: 20, jobDuration: 60 });
  const control = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body = '';
    for await (const chunk of req) body += chunk;
    const send = (value) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === '/reset') {
      mock.reset();
      return send({});
    }
    if (url.pathname === '/inject') {
      mock.inject(JSON.parse(body));
      return send({});
    }
    if (url.pathname === '/last') {
      const last = mock.requests.at(-1);
      return send({ headers: last?.headers ?? {}, json: last?.json });
    }
    if (url.pathname === '/count') {
      const method = url.searchParams.get('method');
      const path = url.searchParams.get('path') ?? '';
      return send({
        count: mock.requests.filter((r) => r.method === method && r.path.startsWith(path)).length,
      });
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));
  return {
    baseURL: mock.url,
    controlURL: `http://127.0.0.1:${control.address().port}`,
    close: async () => {
      control.closeAllConnections();
      await new Promise((resolve) => control.close(resolve));
      await mock.close();
    },
  };
}

/**
 * A keep-alive HTTP/1.1 server that answers the first POST of each connection and drops the second
 * one of a connection after reading it whole, without answering: what a server restart or an idle
 * timeout does to a client that reuses a connection. A runtime whose fetch sends that POST again on
 * a new connection (Deno's) makes it arrive twice. `GET /stats` (on a connection of its own) tells
 * what arrived: `{ posts, bodies: { [body]: times }, reused, dropped }`; `POST /reset` clears it.
 */
export async function startDropServer() {
  let stats;
  const reset = () => {
    stats = { posts: 0, bodies: {}, reused: 0, dropped: 0 };
  };
  reset();
  const server = createNetServer((socket) => {
    let buffer = Buffer.alloc(0);
    let onThisConnection = 0;
    socket.on('error', () => {});
    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
        buffer = buffer.subarray(end + 4 + length);
        const [method, path] = head.split(' ');
        const answer = (text, close = false) =>
          socket.write(
            `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${close ? 'connection: close\r\n' : ''}\r\n${text}`,
          );
        if (method !== 'POST' || path === '/reset') {
          if (path === '/reset') reset();
          answer(JSON.stringify(stats), true);
          socket.end();
          return;
        }
        stats.posts++;
        stats.bodies[body] = (stats.bodies[body] ?? 0) + 1;
        onThisConnection++;
        if (onThisConnection > 1) stats.reused++;
        if (onThisConnection === 2) {
          stats.dropped++;
          socket.destroy();
          return;
        }
        answer(JSON.stringify({ ok: true }));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Packs the built package and unpacks it into a fresh project; returns that project's folder. */
export function stagePackage() {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the runtime tests');
  }
  const dir = mkdtempSync(join(tmpdir(), 'segmind-runtimes-'));
  const modules = join(dir, 'node_modules');
  unpackInto(packInto(dir), dir);
  // The package's dependencies (and theirs), as an install would provide them.
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name.startsWith('.') || name === 'segmind') continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'runtime-smoke', private: true, type: 'module' }),
  );
  copyFileSync(join(HERE, 'smoke.mjs'), join(dir, 'smoke.mjs'));
  writeFileSync(join(dir, 'runner.mjs'), RUNNER);
  writeFileSync(join(dir, 'worker.mjs'), WORKER);
  return dir;
}

// Node, Bun and Deno: the smoke program with the runtime's file system for downloadToFile.
const RUNNER = `
import { stat } from 'node:fs/promises';
import { smoke } from './smoke.mjs';
const [baseURL, controlURL, variant, tempPath, dropURL] = globalThis.Deno?.args ?? process.argv.slice(2);
const results = await smoke({
  baseURL, controlURL, tempPath, dropURL, fileSystem: true,
  fileSize: async (path) => (await stat(path)).size,
  clientOptions: variant === 'fetch' ? { fetch: (input, init) => globalThis.fetch(input, init) } : {},
});
console.log('SMOKE ' + JSON.stringify(results));
console.log('RESOLVED ' + import.meta.resolve('segmind'));
`;

// workerd: the same program in a Worker's test() handler; no file system there.
const WORKER = `
import { smoke } from './smoke.mjs';
export default {
  async test(controller, env) {
    const results = await smoke({
      baseURL: env.BASE_URL,
      controlURL: env.CONTROL_URL,
      dropURL: env.DROP_URL,
      fileSystem: false,
    });
    console.log('SMOKE ' + JSON.stringify(results));
  },
};
`;

function workerdConfig(compat, fake) {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .smoke),
    # The fake listens on 127.0.0.1: the default network service allows only public addresses.
    (name = "internet", network = (allow = ["local", "private", "public"])),
  ],
);
const smoke :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "bundle.js") ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${compat ? '"nodejs_compat"' : ''}],
  globalOutbound = "internet",
  bindings = [
    (name = "BASE_URL", text = ${JSON.stringify(fake.baseURL)}),
    (name = "CONTROL_URL", text = ${JSON.stringify(fake.controlURL)}),
    (name = "DROP_URL", text = ${JSON.stringify(fake.dropURL)}),
  ],
);
`;
}

/** Bundles worker.mjs as a Workers user's bundler would: `workerd`, `worker`, `browser` conditions. */
async function bundleWorker(dir, compat) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(dir, 'worker.mjs')],
    outfile: join(dir, 'bundle.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    // With nodejs_compat the runtime provides node: modules; without it, any node: import is an error.
    external: compat ? ['node:*'] : [],
    logLevel: 'silent',
  });
}

function binary(name) {
  const path = join(BIN, name);
  if (!existsSync(path)) {
    throw new Error(`${name} is not installed (${path}): it is a dev dependency, run npm ci`);
  }
  return path;
}

function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

/** Runs the smoke program in `runtime`; returns `{ runtime, results, output }` (results empty on a crash). */
export async function runIn(runtime, dir, fake, options = {}) {
  const args = (variant) => [
    fake.baseURL,
    fake.controlURL,
    variant,
    join(dir, `${runtime}-out.png`),
    fake.dropURL,
  ];
  let result;
  try {
    if (runtime === 'node' || runtime === 'node-fetch') {
      const node = options.node ?? process.execPath;
      result = await run(node, ['runner.mjs', ...args(runtime === 'node' ? 'default' : 'fetch')], dir);
    } else if (runtime === 'bun') {
      result = await run(binary('bun'), ['runner.mjs', ...args('default')], dir);
    } else if (runtime === 'deno' || runtime === 'deno-env') {
      // `deno`: no --allow-env, so the SDK must cope with an environment it may not read (undici
      // cannot run there: Deno's fetch sends, with a connection of its own for each billable POST).
      // `deno-env`: with it, as most Deno apps run; the SDK sends through undici.
      result = await run(
        binary('deno'),
        [
          'run',
          '--allow-net=127.0.0.1',
          `--allow-read=${dir},${ROOT}`,
          `--allow-write=${dir}`,
          ...(runtime === 'deno-env' ? ['--allow-env'] : []),
          'runner.mjs',
          ...args('default'),
        ],
        dir,
      );
    } else if (runtime === 'workerd' || runtime === 'workerd-compat') {
      const compat = runtime === 'workerd-compat';
      const workerd = binary('workerd');
      await bundleWorker(dir, compat);
      writeFileSync(join(dir, `${runtime}.capnp`), workerdConfig(compat, fake));
      result = await run(workerd, ['test', `${runtime}.capnp`, '--verbose'], dir);
    } else {
      throw new Error(`unknown runtime ${runtime} (one of ${RUNTIMES.join(', ')})`);
    }
  } catch (err) {
    return {
      runtime,
      results: [],
      output: String(err?.errors?.map?.((e) => e.text).join('\n') || err?.message || err),
    };
  }
  const line = result.out.split('\n').find((l) => l.includes('SMOKE '));
  const results = line ? JSON.parse(line.slice(line.indexOf('SMOKE ') + 6)) : [];
  const resolved = result.out
    .split('\n')
    .find((l) => l.startsWith('RESOLVED '))
    ?.slice(9);
  return { runtime, results, resolved, output: result.out, code: result.code };
}

/** The build each runtime must load through the package's `exports` conditions. */
const EXPECTED_BUILD = {
  node: '/dist/index.js',
  'node-fetch': '/dist/index.js',
  bun: '/dist/fetch/index.js',
  deno: '/dist/index.js',
  'deno-env': '/dist/index.js',
};

/**
 * Whether a run passed: the program finished (it reports every check, failed or not), all checks
 * passed, and the runtime loaded the build meant for it.
 */
export function passed(run) {
  const build = EXPECTED_BUILD[run.runtime];
  const rightBuild = build === undefined || (run.resolved ?? '').endsWith(build);
  return rightBuild && run.results.length > 0 && run.results.every((r) => r.ok);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const nodeAt = argv.indexOf('--node');
  const node = nodeAt >= 0 ? resolve(argv.splice(nodeAt, 2)[1]) : undefined;
  const runtimes = argv.length ? argv : RUNTIMES;
  const dir = stagePackage();
  const drop = await startDropServer();
  const fake = { ...(await startFake()), dropURL: drop.url };
  let failed = false;
  try {
    for (const runtime of runtimes) {
      const r = await runIn(runtime, dir, fake, { node });
      const ok = passed(r);
      failed ||= !ok;
      console.log(
        `== ${runtime}: ${ok ? 'passed' : 'FAILED'}${r.resolved ? ` (${r.resolved.replace(/.*node_modules\//, '')})` : ''}`,
      );
      for (const c of r.results)
        console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? ` (${c.detail})` : ''}`);
      if (!ok && r.results.length === 0) console.log(r.output.split('\n').slice(-30).join('\n'));
    }
  } finally {
    await fake.close();
    await drop.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}
