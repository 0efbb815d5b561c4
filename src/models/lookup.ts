// Finding a model: its rules (what the SDK's runtime reads, from the generated rules-only table) or
// its whole registry entry (docs included, for the CLI, the views and the fake). Only the second
// reads `MODELS`, so an app that never lists or documents models bundles no descriptions.
import type { KnownModel } from './generated/index.js';
import { MODEL_RULES, PATTERN_RULES } from './generated/rules.js';
import { MODEL_PATTERNS, MODELS } from './registry/index.js';
import type { ModelRules, ModelSpec } from './registry/types.js';

/** @internal Every slug of the registry, in registry order (grouped as `segmind models` lists them). */
export const MODEL_SLUGS: readonly KnownModel[] = /* @__PURE__ */ Object.freeze(
  Object.keys(MODEL_RULES) as KnownModel[],
);

/** `true` for a slug of the registry (the models the SDK types). */
export function isKnownModel(model: string): model is KnownModel {
  return typeof model === 'string' && Object.hasOwn(MODEL_RULES, model);
}

// A pattern's regular expression, compiled on first use.
const compiledPatterns = new Map<string, RegExp>();

function matches(pattern: string, model: string): boolean {
  let re = compiledPatterns.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    compiledPatterns.set(pattern, re);
  }
  return re.test(model);
}

/**
 * @internal The rules `model` is checked by: by slug, else by pattern (a user's LoRA endpoint), else
 * `undefined` (an untyped model, sent as given).
 */
export function modelRules(model: string): ModelRules | undefined {
  if (isKnownModel(model)) return MODEL_RULES[model];
  return PATTERN_RULES.find((p) => matches(p.pattern, model));
}

/**
 * @internal The registry entry that describes `model`, docs included: by slug, else by pattern (a
 * user's LoRA endpoint), else `undefined` (an untyped model, sent as given).
 */
export function modelSpec(model: string): ModelSpec | undefined {
  if (isKnownModel(model)) return MODELS[model];
  return MODEL_PATTERNS.find((p) => matches(p.pattern, model));
}

/** @internal An image parameter of a model: its name and whether it takes one image or a list. */
export interface ImageParam {
  /** The parameter's name, e.g. `input_image` or `image_urls`. */
  readonly name: string;
  /** `true` for a list of images (`image[]`), `false` for one. */
  readonly array: boolean;
}

const NO_IMAGES: readonly ImageParam[] = Object.freeze([]);
const imageParamCache = new WeakMap<ModelRules, readonly ImageParam[]>();

/**
 * @internal The parameters of `model` that take images (for uploads, CLI image flags, the fake).
 * Empty for a model outside the registry.
 */
export function imageParams(model: string | ModelRules): readonly ImageParam[] {
  const rules = typeof model === 'string' ? modelRules(model) : model;
  if (!rules) return NO_IMAGES;
  let found = imageParamCache.get(rules);
  if (!found) {
    found = Object.freeze(
      Object.entries(rules.params)
        .filter(([, p]) => p.type === 'image' || p.type === 'image[]')
        .map(([name, p]) => Object.freeze({ name, array: p.type === 'image[]' })),
    );
    imageParamCache.set(rules, found);
  }
  return found;
}
