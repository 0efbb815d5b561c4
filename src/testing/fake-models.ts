import { imageParams, modelSpec } from '../models/lookup.js';
import type { ParamValue } from '../models/registry/types.js';
import { modelIssues } from '../models/request-body.js';
import type { Failure } from './failure.js';
import type { ImageParamShape } from './input-images.js';
import { sizeForAspectRatio } from './png.js';

export type { Failure } from './failure.js';

/** A model as the fake serves it: its endpoints, image parameters and rules, from the registry. */
export interface FakeModel {
  slug: string;
  /** Served on `POST /v1/<slug>`. */
  sync: boolean;
  /** Served on `POST /v2/<slug>` (submit, status, result). */
  async: boolean;
  /** A request without a `prompt` string is refused up front (400). */
  promptRequired: boolean;
  /** The parameters that take image URLs. */
  imageParams: readonly ImageParamShape[];
  /** The seed an output is drawn with when the request sets none. */
  defaultSeed: number;
  /** The first rule of the model's registry entry the parameters break, or `undefined`. */
  check(params: Record<string, unknown>): Promise<Failure | undefined>;
}

/** Longest side of an output drawn at an input image's size (bigger inputs are scaled down). */
const MAX_SIDE = 2048;
/** The seed of a model whose page shows none. */
const FALLBACK_SEED = 42;

/**
 * The models the fake serves: every registry entry (and users' LoRA slugs, by pattern) on the
 * endpoints its page shows, validated by the SDK's own rules; `undefined` for any other slug
 * (answered 404).
 */
export function fakeModel(slug: string): FakeModel | undefined {
  const spec = modelSpec(slug);
  if (!spec) return undefined;
  const seed = spec.params.seed;
  return {
    slug,
    sync: spec.endpoints.includes('v1'),
    async: spec.endpoints.includes('v2'),
    promptRequired: spec.params.prompt?.required === true,
    imageParams: imageParams(spec),
    defaultSeed: asSeed(seed?.default) ?? asSeed(seed?.example) ?? FALLBACK_SEED,
    check: async (params) => {
      // The real API ignores unknown keys, so the fake does too.
      const issue = (await modelIssues(slug, params, 'ignore'))[0];
      if (!issue) return undefined;
      const field = issue.path;
      return { reason: `Invalid value for ${field}: ${issue.message}`, field, message: issue.message };
    },
  };
}

function asSeed(value: ParamValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * The pixel size of an output: `width`×`height` when either is set (1024 for the other), else the `aspect_ratio` (`16:9`)
 * at about a megapixel, else the input image's size (an edit keeps its photo's shape), else 1024².
 */
export function outputSize(
  params: Record<string, unknown>,
  input: { width: number; height: number } | undefined,
): { width: number; height: number } {
  const { width, height, aspect_ratio: ratio } = params;
  if (isSide(width) || isSide(height))
    return { width: isSide(width) ? width : 1024, height: isSide(height) ? height : 1024 };
  if (typeof ratio === 'string' && /^[1-9]\d{0,2}:[1-9]\d{0,2}$/.test(ratio))
    return sizeForAspectRatio(ratio);
  if (input && input.width > 0 && input.height > 0) {
    const scale = Math.min(1, MAX_SIDE / Math.max(input.width, input.height));
    return {
      width: Math.max(1, Math.round(input.width * scale)),
      height: Math.max(1, Math.round(input.height * scale)),
    };
  }
  return { width: 1024, height: 1024 };
}

function isSide(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 4096;
}
