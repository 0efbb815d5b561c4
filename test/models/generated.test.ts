// The parameter types are generated from the registry; this fails when the files are stale.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedFiles, interfaceName, renderModelTypes } from '../../scripts/gen-model-types.js';
import type { KnownModel } from '../../src/models/generated/index.js';
import { MODEL_RULES, PATTERN_RULES } from '../../src/models/generated/rules.js';
import { MODEL_SLUGS } from '../../src/models/lookup.js';
import { MODEL_PATTERNS, MODELS } from '../../src/models/registry/index.js';
import type { ModelRules, ModelSpec } from '../../src/models/registry/types.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('generated model types', () => {
  it('src/models/generated/ is what the registry generates (else run: npx tsx scripts/gen-model-types.ts)', () => {
    const files = generatedFiles();
    const onDisk = readdirSync(join(ROOT, 'src/models/generated')).map((f) =>
      join('src/models/generated', f),
    );
    expect(onDisk.sort()).toEqual([...files.keys()].sort());
    for (const [path, text] of files) expect(readFileSync(join(ROOT, path), 'utf8'), path).toBe(text);
  });

  it('names one interface per registry model, every field documented', () => {
    // The interfaces (rules.ts is data, not types).
    const source = [...renderModelTypes()]
      .filter(([path]) => !path.endsWith('rules.ts'))
      .map(([, text]) => text)
      .join('\n');
    for (const slug of MODEL_SLUGS) expect(source).toContain(`export interface ${interfaceName(slug)} {`);
    // Every field line is preceded by the end of its doc comment.
    const lines = source.split('\n');
    lines.forEach((line, i) => {
      if (/^ {2}[\w'[-]+[?]?: /.test(line)) expect(lines[i - 1], line).toBe('   */');
    });
  });

  it.each([
    ['flux-kontext-pro', 'FluxKontextProParams'],
    ['flux-1.1-pro-ultra', 'Flux11ProUltraParams'],
    ['fast-flux-schnell', 'FastFluxSchnellParams'],
    ['flux-2-klein-4b', 'Flux2Klein4bParams'],
  ])('%s → %s', (slug, name) => {
    expect(interfaceName(slug)).toBe(name);
  });

  it('rules.ts is each registry entry’s rules without its docs, in registry order (what validation reads)', () => {
    expect(Object.keys(MODEL_RULES)).toEqual(Object.keys(MODELS));
    expect(PATTERN_RULES.map((p) => p.pattern)).toEqual(MODEL_PATTERNS.map((p) => p.pattern));
    const pairs: Array<[ModelSpec, ModelRules | undefined]> = [
      ...Object.values(MODELS).map((spec): [ModelSpec, ModelRules] => [
        spec,
        MODEL_RULES[spec.slug as KnownModel],
      ]),
      ...MODEL_PATTERNS.map((spec, i): [ModelSpec, ModelRules | undefined] => [spec, PATTERN_RULES[i]]),
    ];
    for (const [spec, rules] of pairs) {
      expect(rules?.strict, spec.slug).toBe(spec.strict);
      expect(Object.keys(rules?.params ?? {}), spec.slug).toEqual(Object.keys(spec.params));
      for (const [name, p] of Object.entries(spec.params)) {
        // A complete list is a rule; an open list's known values are docs (any string is sent).
        const { type, required, min, max, multipleOf } = p;
        const list = p.valuesComplete ? { values: p.values, valuesComplete: true } : {};
        const expected = Object.entries({ type, required, min, max, multipleOf, ...list });
        expect(rules?.params[name], `${spec.slug}.${name}`).toEqual(
          Object.fromEntries(expected.filter(([, v]) => v !== undefined)),
        );
      }
    }
  });
});
