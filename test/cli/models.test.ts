// `segmind models`: the family by group, one model's rules, and no zod to build them.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_SLUGS } from '../../src/models/lookup.js';
import { MODELS } from '../../src/models/registry/index.js';
import { cli } from './run-cli.js';

const LORA = '0123abcd-0000-1111-2222-333344445555-my-lora';
const HEADINGS = {
  'text-to-image': 'Text to image:',
  editing: 'Editing:',
  conditioning: 'Conditioning (steered by an image):',
  upscaling: 'Upscaling:',
} as const;

describe('segmind models', () => {
  it('lists every model under its group, in the order text to image, editing, conditioning, upscaling', async () => {
    const r = await cli(['models'], { tty: true, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    const text = r.stdout;
    const at = Object.values(HEADINGS).map((h) => text.indexOf(`${h}\n`));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const ends = [...at.slice(1), text.length];
    const groups = Object.keys(HEADINGS);
    for (const slug of [...MODEL_SLUGS, '<uuid>-<name>']) {
      const group = slug === '<uuid>-<name>' ? 'text-to-image' : MODELS[slug as keyof typeof MODELS].group;
      const g = groups.indexOf(group);
      const line = new RegExp(`^  ${slug.replace(/[.<>]/g, '\\$&')} +(v1 v2|v1|v2) +\\S`, 'm');
      const found = line.exec(text);
      expect(found, slug).not.toBeNull();
      expect(found!.index > at[g]! && found!.index < ends[g]!, `${slug} under ${group}`).toBe(true);
    }
  });

  it('shows what each model is for, its endpoints and its image parameters', async () => {
    const text = (await cli(['models'], { tty: true, env: { NO_COLOR: '1' } })).stdout;
    expect(text).toMatch(
      /^ {2}flux-kontext-pro +v1 v2 +Edits an image from a text instruction.*\[images: input_image\]$/m,
    );
    expect(text).toMatch(/^ {2}flux-2-klein-4b +v1 +FLUX\.2 Klein 4B.*\[images: image_urls\[\]\]$/m);
    expect(text).toMatch(/^ {2}clarityai-flux-upscaler +v2 +Upscales an image/m);
    expect(text).toContain('v1: segmind sync');
  });

  it('as JSON: one object per model with its group, endpoints and image parameters', async () => {
    const r = await cli(['models', '--json']);
    expect(r.code).toBe(0);
    expect(r.events.map((e) => e.model)).toEqual(expect.arrayContaining([...MODEL_SLUGS, '<uuid>-<name>']));
    expect(r.events).toHaveLength(MODEL_SLUGS.length + 1);
    expect(r.events.find((e) => e.model === 'multi-image-kontext-pro')).toEqual({
      model: 'multi-image-kontext-pro',
      title: MODELS['multi-image-kontext-pro'].title,
      group: 'editing',
      description: MODELS['multi-image-kontext-pro'].description,
      endpoints: ['v1', 'v2'],
      images: ['input_image_1', 'input_image_2'],
    });
  });

  it('one model: each parameter with its flag, rule, default, and whether it takes an image', async () => {
    const r = await cli(['models', 'flux-kontext-pro'], { tty: true, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    const text = r.stdout.replace(/\n {6}/g, ' ');
    expect(text).toContain('flux-kontext-pro: Flux Kontext Pro.');
    expect(text).toContain('Endpoints: v1 and v2.');
    expect(text).toContain(
      'Known in part: other keys are sent as given, but a near miss of a known name (input_imge) is refused. Pass other keys with --param key=value.',
    );
    expect(text).toContain('segmind run flux-kontext-pro "<prompt>" [flags]');
    expect(text).toContain('  prompt  (the prompt argument) The edit to make, in words [required]');
    expect(text).toContain(
      '  input_image  --input-image <path|url>  (an image) The image to edit: a file path or an http(s) URL',
    );
    expect(text).toContain(
      '  output_format  --output-format <value> Format of the output image: one of the 2 output formats: jpg, png [default: png]',
    );
    expect(text).toContain(
      '  safety_tolerance  --safety-tolerance <0-6> Moderation level, 0 strictest to 6 most permissive; at most 2 with an input image: an integer from 0 to 6 [default: 2]',
    );
    expect(text).toContain('note: The page counts 14 aspect ratios and shows 10.');
  });

  it('a complete model says other keys are refused; a v1-only model is run with segmind sync', async () => {
    const schnell = await cli(['models', 'flux-schnell'], { tty: true, env: { NO_COLOR: '1' } });
    expect(schnell.stdout).toContain('Complete parameter table: a key not listed is refused');
    expect(schnell.stdout).not.toContain('--param key=value');
    const klein = await cli(['models', 'flux-2-klein-4b'], { tty: true, env: { NO_COLOR: '1' } });
    expect(klein.stdout).toContain('segmind sync flux-2-klein-4b "<prompt>" [flags]');
    expect(klein.stdout.replace(/\n {6}/g, ' ')).toContain(
      '  image_urls  --image-urls <path|url>  (images, in order) Reference images to edit from; none for text-to-image: a file path or an http(s) URL; repeat the flag for more, in order',
    );
  });

  it('one model as JSON: its registry entry and its flags', async () => {
    const r = await cli(['models', 'flux-kontext-dev', '--json']);
    expect(r.code).toBe(0);
    expect(r.events).toHaveLength(1);
    const [entry] = r.events;
    expect(entry).toMatchObject({
      model: 'flux-kontext-dev',
      group: 'editing',
      strict: false,
      params: { input_image: { type: 'image', required: true } },
    });
    expect(entry!.flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          flag: 'input-image',
          param: 'input_image',
          image: 'single',
          required: true,
          rule: 'a file path or an http(s) URL',
        }),
      ]),
    );
  });

  it('a user LoRA slug is described by its pattern entry', async () => {
    const r = await cli(['models', LORA], { tty: true, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`segmind sync ${LORA} "<prompt>" [flags]`);
    expect(r.stdout).toContain('lora_strength  --lora-strength <number>');
  });

  it('a near miss gets "did you mean" (exit 2)', async () => {
    const r = await cli(['models', 'flux-kontext-por']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "flux-kontext-por is not in the SDK's registry; did you mean flux-kontext-pro?",
    );
  });
});

describe('flags and listings are built without zod', () => {
  // Static imports (not `import type`, not a lazy `import()`) reachable from a module, as paths.
  function staticGraph(entry: string, seen = new Set<string>()): Set<string> {
    if (seen.has(entry)) return seen;
    seen.add(entry);
    if (!entry.endsWith('.ts')) return seen;
    const source = readFileSync(entry, 'utf8');
    for (const [, specifier] of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)) {
      const next = specifier!.startsWith('.')
        ? resolve(dirname(entry), specifier!.replace(/\.js$/, '.ts'))
        : specifier!;
      staticGraph(next, seen);
    }
    return seen;
  }

  it('no static import from the models command or the flag parsing reaches zod', () => {
    const src = new URL('../../src/cli/', import.meta.url).pathname;
    for (const entry of ['commands/models.ts', 'model-params.ts', 'help.ts']) {
      const graph = [...staticGraph(resolve(src, entry))];
      expect(graph.length, entry).toBeGreaterThan(5);
      expect(
        graph.filter((m) => m === 'zod' || m.startsWith('zod/')),
        entry,
      ).toEqual([]);
    }
  });
});
