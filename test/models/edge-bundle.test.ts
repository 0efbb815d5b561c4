// What a browser or Worker app ships: the one-`runSync` app of `npm run bench` (bench/edge-size.ts),
// bundled by esbuild against the SDK's edge build made from src/ in memory (as tsup makes
// dist/edge/), stays under the budget; the registry's docs reach only apps that import `MODELS`.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Bundle, buildEdgeSdk, bundleApp, EDGE_BUDGET_BYTES, PLATFORMS } from '../../bench/edge-size.js';
import { MODELS } from '../../src/index.js';
import { MODEL_RULES } from '../../src/models/generated/rules.js';

const platforms = Object.keys(PLATFORMS) as Array<keyof typeof PLATFORMS>;

// Text only the registry's docs hold: every model's description, every parameter's caveat. Each
// is looked for by its longest run of plain characters, which esbuild writes as is whatever quotes
// and escapes it picks for the rest (`–` becomes `\u2013`, a quote may be escaped).
const docs = Object.values(MODELS).flatMap((spec) => [
  spec.description,
  ...Object.values(spec.params).flatMap((p) => (p.caveat ? [p.caveat] : [])),
]);
const plainRun = (text: string) =>
  text.split(/[^A-Za-z0-9 ,.;:()]/).reduce((a, b) => (b.length > a.length ? b : a), '');
const inBundle = (code: string, text: string) => code.includes(plainRun(text));

let sdk: Map<string, string>;
beforeAll(async () => {
  sdk = await buildEdgeSdk();
}, 60_000);

describe.each(platforms)('a %s app bundled with esbuild', (platform) => {
  let runSyncApp: Bundle;
  beforeAll(async () => {
    runSyncApp = await bundleApp('segmind', platform, { sdk });
  }, 60_000);

  it(`with one runSync call stays within the edge budget (${EDGE_BUDGET_BYTES / 1024} KB gzip)`, () => {
    expect(runSyncApp.error).toBeUndefined();
    expect(runSyncApp.gzip).toBeGreaterThan(0);
    expect(runSyncApp.gzip, `${(runSyncApp.gzip / 1024).toFixed(1)} KB gzip`).toBeLessThanOrEqual(
      EDGE_BUDGET_BYTES,
    );
  });

  it('with one runSync call carries the rules, and none of the registry’s descriptions or caveats', () => {
    expect(docs.every((text) => plainRun(text).length >= 12)).toBe(true);
    // The rules table is there: runSync validates (a complete enum of flux-schnell, by value).
    for (const value of MODEL_RULES['flux-schnell'].params.scheduler!.values!) {
      expect(runSyncApp.code).toContain(JSON.stringify(value));
    }
    expect(docs.filter((text) => inBundle(runSyncApp.code, text))).toEqual([]);
  });

  it('that imports MODELS gets every description (so the check above can fail)', async () => {
    const app = `import { MODELS } from 'segmind';
      for (const spec of Object.values(MODELS)) console.log(spec.slug, spec.description);`;
    const bundle = await bundleApp('segmind', platform, { sdk, app });
    expect(bundle.error).toBeUndefined();
    expect(docs.filter((text) => !inBundle(bundle.code, text))).toEqual([]);
  });
});
