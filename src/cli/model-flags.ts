import type * as Zod from 'zod';
import { isKnownModel, type KnownModel, schemaFor } from '../models/params.js';
import { lazyModule } from '../util/lazy.js';

const zod = lazyModule<typeof Zod>('zod');

/** Typed models, in the order `segmind models` lists them. */
export const TYPED_MODELS: readonly KnownModel[] = ['fast-flux-schnell', 'flux-schnell'];

// What the zod schemas cannot carry: a line of help and the server's default (Segmind's API pages, the
// TSDoc in models/params.ts). test/cli checks these keys against the schemas so they cannot drift.
export const PARAM_DOCS: Partial<Record<KnownModel, Record<string, { help: string; default?: string }>>> = {
  'flux-schnell': {
    prompt: { help: 'What to draw' },
    steps: { help: 'Inference steps', default: '4' },
    seed: { help: 'Random seed', default: '123456789' },
    sampler_name: { help: 'Sampler', default: 'euler' },
    scheduler: { help: 'Scheduler', default: 'normal' },
    samples: { help: 'Number of images', default: '1' },
    width: { help: 'Width in pixels', default: '1024' },
    height: { help: 'Height in pixels', default: '1024' },
    denoise: { help: 'Denoise strength', default: '1' },
    base64: { help: 'Ask the server for base64 JSON (decoded either way)', default: 'false' },
  },
  'fast-flux-schnell': {
    prompt: { help: 'What to draw' },
    aspect_ratio: { help: 'Aspect ratio', default: '1:1' },
    base64: { help: 'Ask the server for base64 text (decoded either way)', default: 'false' },
    seed: { help: 'Random seed', default: '1184522' },
    steps: { help: 'Inference steps', default: '4' },
  },
};

/** One command-line flag generated from a model parameter. */
export interface ModelFlag {
  /** `--aspect-ratio` without the dashes. */
  flag: string;
  /** The parameter it sets, `aspect_ratio`. */
  param: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  enum?: string[];
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  default?: string;
  help: string;
}

interface JsonSchemaProperty {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
}

/** `aspect_ratio` → `aspect-ratio`. */
export const flagName = (param: string) => param.replaceAll('_', '-');

const cache = new Map<KnownModel, ModelFlag[]>();

/**
 * The flags of a typed model, read from its zod schema through zod's own JSON Schema export (types,
 * ranges, multiples and enums), so a rule added to the schema shows up in `--help` by itself.
 * `prompt` is not a flag: it is the positional argument (or stdin).
 */
export function modelFlags(model: KnownModel): ModelFlag[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const json = zod().toJSONSchema(schemaFor(model), { io: 'input' }) as {
    properties?: Record<string, JsonSchemaProperty>;
  };
  const flags: ModelFlag[] = [];
  for (const [param, prop] of Object.entries(json.properties ?? {})) {
    if (param === 'prompt') continue;
    const doc = PARAM_DOCS[model]?.[param];
    const type =
      prop.type === 'integer' || prop.type === 'number' || prop.type === 'boolean' ? prop.type : 'string';
    const flag: ModelFlag = { flag: flagName(param), param, type, help: doc?.help ?? param };
    if (prop.enum) flag.enum = prop.enum.map(String);
    // zod reports "no upper bound" on integers as MAX_SAFE_INTEGER; that is not a rule worth showing.
    if (prop.minimum !== undefined) flag.minimum = prop.minimum;
    if (prop.maximum !== undefined && prop.maximum < Number.MAX_SAFE_INTEGER) flag.maximum = prop.maximum;
    if (prop.multipleOf !== undefined) flag.multipleOf = prop.multipleOf;
    if (doc?.default !== undefined) flag.default = doc.default;
    flags.push(flag);
  }
  cache.set(model, flags);
  return flags;
}

/** Every flag of every typed model, by flag name (parseArgs needs them all up front). */
export function allModelFlags(): Map<string, ModelFlag> {
  const all = new Map<string, ModelFlag>();
  for (const model of TYPED_MODELS) for (const f of modelFlags(model)) all.set(f.flag, f);
  return all;
}

/** The rule of a flag in words: `an integer from 1 to 8`, `one of: 1:1, 16:9`. */
export function describeRule(f: ModelFlag): string {
  if (f.enum) return `one of: ${f.enum.join(', ')}`;
  if (f.type === 'boolean') return 'a switch';
  const kind = f.type === 'integer' ? 'an integer' : 'a number';
  let rule =
    f.minimum !== undefined && f.maximum !== undefined
      ? `${kind} from ${f.minimum} to ${f.maximum}`
      : f.minimum !== undefined
        ? `${kind} ≥ ${f.minimum}`
        : kind;
  if (f.multipleOf !== undefined) rule += `, a multiple of ${f.multipleOf}`;
  return rule;
}

/** The placeholder after a flag in help: `<1-8>`, `<value>`. */
export function placeholder(f: ModelFlag): string {
  if (f.type === 'boolean') return '';
  if (f.enum) return '<value>';
  if (f.minimum !== undefined && f.maximum !== undefined) return `<${f.minimum}-${f.maximum}>`;
  return f.type === 'integer' ? '<int>' : '<number>';
}

/** Help lines for a model's flags: `  --steps <1-8>   Inference steps: an integer from 1 to 8 [default: 4]`. */
export function flagHelp(model: KnownModel): string[] {
  return modelFlags(model).map((f) => {
    const left = `  --${f.flag} ${placeholder(f)}`.trimEnd();
    const rule = f.type === 'boolean' ? '' : `: ${describeRule(f)}`;
    const dflt = f.default !== undefined ? ` [default: ${f.default}]` : '';
    return `${left.padEnd(25)}${left.length >= 25 ? ' ' : ''}${f.help}${rule}${dflt}`;
  });
}

/** A typed model's slug, or undefined. */
export function typedModel(model: string): KnownModel | undefined {
  return isKnownModel(model) ? model : undefined;
}
