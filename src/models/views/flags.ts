// Command-line flags derived from the registry, for the CLI: one flag per parameter, with its type,
// rule in words and default, so `--help` and parsing follow the registry by themselves.
import { modelSpec } from '../lookup.js';
import type { ModelSpec } from '../registry/types.js';
import { paramDoc } from './param-doc.js';

/**
 * @internal One command-line flag generated from a model parameter (the CLI's `ModelFlag`, plus
 * `rule`, `required`, `knownValues` and `image`).
 */
export interface ModelFlag {
  /** `aspect-ratio`: the flag without its dashes. */
  flag: string;
  /** The parameter it sets, `aspect_ratio`. */
  param: string;
  /** How the flag's text is read: numbers become numbers; images and others stay text. */
  type: 'string' | 'integer' | 'number' | 'boolean';
  /** The allowed values, when the page lists them all. */
  enum?: string[];
  /** The known values of an open list (others are sent as given). */
  knownValues?: string[];
  /** Smallest value allowed. */
  minimum?: number;
  /** Largest value allowed. */
  maximum?: number;
  /** The value must be a multiple of this. */
  multipleOf?: number;
  /** The server's default, as text. */
  default?: string;
  /** What the parameter does, one line (no final period). */
  help: string;
  /** The rule in words: `an integer from 1 to 8`, `one of the 9 aspect ratios: …`; empty for plain text. */
  rule: string;
  /** The page marks it required. */
  required: boolean;
  /** For an image parameter: `single` (one path or URL) or `array` (the flag repeats). */
  image?: 'single' | 'array';
}

/** @internal `aspect_ratio` → `aspect-ratio`. */
export const flagName = (param: string) => param.replaceAll('_', '-');

/**
 * @internal The flags of a registry model (by slug, or a LoRA slug by its pattern); empty for a
 * model outside the registry. `prompt` is not a flag: it is the CLI's positional argument.
 */
export function modelFlags(model: string | ModelSpec): ModelFlag[] {
  const spec = typeof model === 'string' ? modelSpec(model) : model;
  if (!spec) return [];
  const flags: ModelFlag[] = [];
  for (const [param, p] of Object.entries(spec.params)) {
    if (param === 'prompt') continue;
    const doc = paramDoc(param, p);
    const type = p.type === 'integer' || p.type === 'number' || p.type === 'boolean' ? p.type : 'string';
    const flag: ModelFlag = {
      flag: flagName(param),
      param,
      type,
      help: p.description.replace(/\.$/, ''),
      rule: doc.rule ?? '',
      required: doc.required,
    };
    if (p.values?.length) {
      if (p.valuesComplete) flag.enum = [...p.values];
      else flag.knownValues = [...p.values];
    }
    if (p.min !== undefined) flag.minimum = p.min;
    if (p.max !== undefined) flag.maximum = p.max;
    if (p.multipleOf !== undefined) flag.multipleOf = p.multipleOf;
    if (doc.default !== undefined) flag.default = doc.default;
    if (doc.image) flag.image = doc.image;
    flags.push(flag);
  }
  return flags;
}
