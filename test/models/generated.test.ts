// The parameter types are generated from the registry; this fails when the files are stale.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedFiles, interfaceName, renderModelTypes } from '../../scripts/gen-model-types.js';
import { MODEL_SLUGS } from '../../src/models/lookup.js';

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
    const source = [...renderModelTypes().values()].join('\n');
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
});
