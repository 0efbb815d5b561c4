// Bundled apps run where there is no node_modules, as serverless deploys do (test/bundling/smoke.mjs
// does the work; `node test/bundling/smoke.mjs` runs the same from a shell). Slow (a fresh build, four
// bundlers, a `next build`): an integration test, outside `npm test`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLERS,
  packPackage,
  referenceProblems,
  runBundled,
  runNextStandalone,
  runUnbundled,
  type SmokeResult,
  stageApp,
  startFake,
} from './smoke.mjs';

let workDir: string;
let tarball: string;
let appDir: string;
let fake: Awaited<ReturnType<typeof startFake>> | undefined;
let reference: SmokeResult;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'segmind-bundling-'));
  tarball = await packPackage(workDir);
  appDir = stageApp(workDir, tarball);
  fake = await startFake(appDir);
  reference = await runUnbundled(appDir, fake.url);
}, 300_000);

afterAll(async () => {
  await fake?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

it('the app, unbundled, gets an image from runSync, a result from run and a ValidationError', () => {
  expect(referenceProblems(reference)).toEqual([]);
});

describe.each(BUNDLERS)('bundled by %s, alone in a folder without node_modules', (bundler) => {
  it('reports what the unbundled app reports and carries no build path nor "Cannot find module"', async () => {
    const run = await runBundled(bundler, appDir, fake!.url, workDir);
    expect(run.result).toEqual(reference);
    expect(run.leaks).toEqual([]);
  }, 180_000);
});

it('Next.js 15 standalone: the route answers as the unbundled app once the project folder is gone', async () => {
  const run = await runNextStandalone(tarball, fake!.url, workDir);
  expect(run.result).toEqual(reference);
  expect(run.leaks).toEqual([]);
}, 900_000);
