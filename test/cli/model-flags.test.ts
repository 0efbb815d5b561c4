// Every registry model has its flags, read from the registry: a few models of each group through the
// fake (the body sent is exactly what the flags said), the rules refused before anything is sent,
// and the help that lists them.
import { createMockServer, renderPng } from 'segmind/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_FLAGS, cliFlags, everyModelFlag } from '../../src/cli/model-flags.js';
import { MODEL_SLUGS } from '../../src/models/lookup.js';
import { MODEL_PATTERNS } from '../../src/models/registry/index.js';
import { modelFlags } from '../../src/models/views/flags.js';
import { useManualClock } from '../support/manual-clock.js';
import { useServer } from '../support/use-server.js';
import { cli, tempDir } from './run-cli.js';

const server = useServer(() => createMockServer({ queueTime: 10, jobDuration: 20 }));
useManualClock();
let dir: string;
const env = () => ({ SEGMIND_API_KEY: 'SG_0123456789abcdef', SEGMIND_BASE_URL: server.url });
const posts = () => server.requests.filter((r) => r.method === 'POST');
const LORA = '0123abcd-0000-1111-2222-333344445555-my-lora';
const DAY = 'https://images.example.com/day.jpg';

beforeEach(() => {
  dir = tempDir('segmind-flags-');
});

describe('flags of each group, sent exactly as written', () => {
  it.each([
    [
      'text to image, v1: flux-dev',
      ['sync', 'flux-dev', 'a fox', '--aspect-ratio', '16:9', '--guidance', '3.5', '--steps', '20'],
      '/v1/flux-dev',
      { prompt: 'a fox', aspect_ratio: '16:9', guidance: 3.5, steps: 20 },
    ],
    [
      'text to image, FLUX.2: an image list in order, a switch turned off',
      ['sync', 'flux-2-klein-4b', 'a fox', '--image-urls', DAY, '--image-urls', `${DAY}?2`, '--no-go-fast'],
      '/v1/flux-2-klein-4b',
      { prompt: 'a fox', image_urls: [DAY, `${DAY}?2`], go_fast: false },
    ],
    [
      'editing: Kontext with an open list value the page did not show',
      ['run', 'flux-kontext-pro', 'make it night', '--input-image', DAY, '--aspect-ratio', '21:9'],
      '/v2/flux-kontext-pro',
      { prompt: 'make it night', input_image: DAY, aspect_ratio: '21:9' },
    ],
    [
      'editing: two image flags',
      ['run', 'multi-image-kontext-pro', 'both', '--input-image-1', DAY, '--input-image-2', `${DAY}?b`],
      '/v2/multi-image-kontext-pro',
      { prompt: 'both', input_image_1: DAY, input_image_2: `${DAY}?b` },
    ],
    [
      'conditioning: depth',
      ['run', 'flux-depth-pro', 'a castle', '--control-image', DAY, '--guidance', '3', '--steps', '30'],
      '/v2/flux-depth-pro',
      { prompt: 'a castle', control_image: DAY, guidance: 3, steps: 30 },
    ],
    [
      'upscaling',
      [
        'run',
        'clarityai-flux-upscaler',
        'sharper',
        '--image',
        DAY,
        '--scale-factor',
        '2',
        '--creativity',
        '3',
      ],
      '/v2/clarityai-flux-upscaler',
      { prompt: 'sharper', image: DAY, scale_factor: 2, creativity: 3 },
    ],
  ])('%s', async (_, args, path, body) => {
    const r = await cli([...args, '-o', 'out/'], { env: env(), cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(posts().map((q) => q.path)).toEqual([path]);
    expect(posts()[0]!.json).toEqual(body);
  });

  it('a user LoRA, by its slug pattern', async () => {
    // The fake knows no user's LoRA endpoint: it answers as Segmind would, with an image.
    const png = renderPng(64, 64, 'lora').toString('base64');
    server.inject({ match: { path: `/v1/${LORA}` }, status: 200, body: { image: png } });
    const r = await cli(
      ['sync', LORA, 'a fox', '--lora-strength=-1.5', '--aspect-ratio', '2:3', '--sampler-name', 'euler'],
      { env: env(), cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(posts()[0]!.json).toEqual({
      prompt: 'a fox',
      lora_strength: -1.5,
      aspect_ratio: '2:3',
      sampler_name: 'euler',
    });
  });

  it('a model without a prompt (Redux) sends none and does not wait for stdin', async () => {
    const unread = {
      [Symbol.asyncIterator]: () => {
        throw new Error('stdin was read');
      },
    };
    const r = await cli(['run', 'flux-redux-dev', '--redux-image', DAY, '--num-outputs', '1', '-o', 'o/'], {
      env: env(),
      cwd: dir,
      stdin: unread,
    });
    expect(r.code).toBe(0);
    expect(posts()[0]!.json).toEqual({ redux_image: DAY, num_outputs: 1 });
  });

  it('a model whose page shows only v1, run on v2: sent anyway, after a warning naming segmind sync', async () => {
    // The fake, like the registry, serves flux-2-klein-4b on v1 only: the v2 submit is refused.
    const r = await cli(['run', 'flux-2-klein-4b', 'a fox', '-o', 'out/'], { env: env(), cwd: dir });
    expect(r.events[0]).toMatchObject({
      event: 'warning',
      model: 'flux-2-klein-4b',
      message: expect.stringContaining('flux-2-klein-4b is documented on v1 only'),
    });
    expect(r.stderr).toContain('If the server refuses it, use segmind sync');
    expect(posts().map((q) => q.path)).toEqual(['/v2/flux-2-klein-4b']);
    expect(r.code).toBe(1);
    const synced = await cli(['sync', 'flux-2-klein-4b', 'a fox', '-o', 'out/'], { env: env(), cwd: dir });
    expect(synced.code).toBe(0);
    expect(synced.events.some((e) => e.event === 'warning')).toBe(false);
  });
});

describe('the registry’s rules, refused before anything is sent (exit 2)', () => {
  it.each([
    ['a required image left out', ['run', 'flux-kontext-dev', 'make it night'], '--input-image: is required'],
    [
      'a required parameter of a LoRA slug',
      ['sync', LORA, 'a fox', '--aspect-ratio', '2:3', '--sampler-name', 'euler'],
      '--lora-strength: is required',
    ],
    [
      'a value outside a complete list',
      ['run', 'flux-kontext-pro', 'x', '--output-format', 'gif'],
      '--output-format: must be one of the 2 output formats: jpg, png',
    ],
    [
      'a number out of range',
      ['run', 'flux-kontext-pro', 'x', '--safety-tolerance', '9'],
      '--safety-tolerance: must be an integer from 0 to 6',
    ],
    ['text for a number', ['sync', 'flux-dev', 'x', '--guidance', 'high'], '--guidance: must be a number'],
    [
      'a near miss of a known key by --param',
      ['run', 'flux-kontext-pro', 'x', '--param', 'input_imge=https://a.example/b.png'],
      '--param input_imge: unknown parameter; did you mean input_image?',
    ],
    [
      'a mistyped flag, named with the model’s own nearest flag',
      ['run', 'flux-kontext-pro', 'x', '--input-imge', DAY],
      'unknown flag --input-imge; did you mean --input-image?',
    ],
    [
      'a flag of another model',
      ['run', 'flux-kontext-pro', 'x', '--width', '512'],
      '--width is not a parameter of flux-kontext-pro (its flags: --aspect-ratio, --input-image,',
    ],
    [
      'a negative number after a space (parseArgs reads it as a flag): the way to write it',
      ['sync', LORA, 'a fox', '--lora-strength', '-1.5'],
      '--lora-strength needs a value; for a value starting with a dash write --lora-strength=-1.5',
    ],
    [
      'a prompt left out where the registry requires one',
      ['sync', 'flux-depth-pro', '--control-image', DAY],
      'a prompt is required: segmind sync flux-depth-pro "<prompt>"',
    ],
  ])('%s', async (_, args, message) => {
    const r = await cli(args, { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(server.requests).toHaveLength(0);
  });

  it('a partly known model passes keys it does not know (that are no near miss) as given', async () => {
    const r = await cli(
      ['run', 'flux-kontext-pro', 'x', '--input-image', DAY, '--param', 'prompt_upsampling=true', '-o', 'o/'],
      { env: env(), cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(posts()[0]!.json).toEqual({ prompt: 'x', input_image: DAY, prompt_upsampling: true });
  });
});

describe('every registry model has its flags', () => {
  it('run <model> --help lists each flag of every model (and of a LoRA slug) with its rule', async () => {
    for (const model of [...MODEL_SLUGS, LORA]) {
      const r = await cli(['run', model, '--help'], { cwd: dir });
      expect(r.code).toBe(0);
      const help = r.stdout.replace(/\s+/g, ' ');
      expect(help).toContain(`Parameters of ${model} (`);
      for (const f of modelFlags(model)) {
        expect(help, `${model} --${f.flag}`).toMatch(new RegExp(`--(\\[no-\\])?${f.flag}\\b`));
        if (f.rule && !f.image && f.type !== 'boolean') expect(help, `${model} ${f.flag}`).toContain(f.rule);
        if (f.default !== undefined) expect(help).toContain(`default: ${f.default}`);
      }
    }
  });

  it('an image flag says it takes a path or a URL, and a list flag that it repeats', async () => {
    const kontext = (await cli(['run', 'flux-kontext-pro', '--help'], { cwd: dir })).stdout.replace(
      /\s+/g,
      ' ',
    );
    expect(kontext).toContain('--input-image <path|url> The image to edit: a file path or an http(s) URL');
    const klein = (await cli(['sync', 'flux-2-klein-4b', '--help'], { cwd: dir })).stdout.replace(
      /\s+/g,
      ' ',
    );
    expect(klein).toContain('--image-urls <path|url>');
    expect(klein).toContain('repeat the flag for more, in order');
    expect(klein).toContain('--[no-]go-fast');
  });

  it('run --help without a model says where the model flags are; an untyped model points at --param', async () => {
    const plain = await cli(['run', '--help'], { cwd: dir });
    expect(plain.stdout).toContain("'segmind <command> <model> --help' lists a model's flags");
    const untyped = await cli(['run', 'some-model', '--help'], { cwd: dir });
    expect(untyped.stdout).toContain(
      "some-model is not in the SDK's registry: pass its parameters with --param",
    );
  });

  it('no model flag takes the name of a command flag, and a flag is a switch in every model or in none', () => {
    const all = [...MODEL_SLUGS, ...MODEL_PATTERNS].flatMap((m) => modelFlags(m));
    for (const f of all) {
      expect(COMMAND_FLAGS.has(f.flag), f.flag).toBe(false);
      expect(everyModelFlag()[f.flag]?.type, f.flag).toBe(f.type === 'boolean' ? 'boolean' : 'string');
    }
    expect(cliFlags('flux-kontext-pro').map((f) => f.flag)).toEqual(
      modelFlags('flux-kontext-pro').map((f) => f.flag),
    );
  });
});
