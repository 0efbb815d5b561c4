import type { KnownModel } from './generated/index.js';
import { MODEL_PATTERNS, MODELS } from './registry/index.js';
import type { ModelSpec } from './registry/types.js';

/** @internal Every slug of the registry, in registry order (grouped as `segmind models` lists them). */
export const MODEL_SLUGS: readonly KnownModel[] = /* @__PURE__ */ Object.freeze(
  Object.keys(MODELS) as KnownModel[],
);

/** `true` for a slug of the registry (the models the SDK types). */
export function isKnownModel(model: string): model is KnownModel {
  return typeof model === 'string' && Object.hasOwn(MODELS, model);
}

const patterns = /* @__PURE__ */ MODEL_PATTERNS.map((spec) => ({ spec, re: new RegExp(spec.pattern) }));

/**
 * @internal The registry entry that describes `model`: by slug, else by pattern (a user's LoRA
 * endpoint), else `undefined` (an untyped model, sent as given).
 */
export function modelSpec(model: string): ModelSpec | undefined {
  if (isKnownModel(model)) return MODELS[model];
  return patterns.find((p) => p.re.test(model))?.spec;
}

/** @internal An image parameter of a model: its name and whether it takes one image or a list. */
export interface ImageParam {
  /** The parameter's name, e.g. `input_image` or `image_urls`. */
  readonly name: string;
  /** `true` for a list of images (`image[]`), `false` for one. */
  readonly array: boolean;
}

const imageParamCache = new WeakMap<ModelSpec, readonly ImageParam[]>();

/**
 * @internal The parameters of `model` that take images (for uploads, CLI image flags, the fake).
 * Empty for a model outside the registry.
 */
export function imageParams(model: string | ModelSpec): readonly ImageParam[] {
  const spec = typeof model === 'string' ? modelSpec(model) : model;
  if (!spec) return [];
  let found = imageParamCache.get(spec);
  if (!found) {
    found = Object.freeze(
      Object.entries(spec.params)
        .filter(([, p]) => p.type === 'image' || p.type === 'image[]')
        .map(([name, p]) => Object.freeze({ name, array: p.type === 'image[]' })),
    );
    imageParamCache.set(spec, found);
  }
  return found;
}
