import { isKnownModel, schemaFor } from '../models/params.js';
import { imageParamsOf } from '../uploads/image-params.js';
import type { ImageParam } from '../uploads/resolve-image-inputs.js';
import { sizeForAspectRatio } from './png.js';

/** What is wrong with a request's parameters: the reason text, and the field when one is to blame. */
export interface Failure {
  reason: string;
  field: string | undefined;
  message: string;
}

/** A model as the fake serves it: its endpoints, image parameters and rules. */
export interface FakeModel {
  slug: string;
  /** Served on `POST /v1/<slug>`. */
  sync: boolean;
  /** Served on `POST /v2/<slug>` (submit, status, result). */
  async: boolean;
  /** A request without a `prompt` string is refused up front (400). */
  promptRequired: boolean;
  /** The parameters that take image URLs. */
  imageParams: readonly ImageParam[];
  /** The seed an output is drawn with when the request sets none. */
  defaultSeed: number;
  /** What breaks the model's rules (the SDK's own validation), or `undefined`. */
  check(params: Record<string, unknown>): Failure | undefined;
}

/** Longest side of an output drawn at an input image's size (bigger inputs are scaled down). */
const MAX_SIDE = 2048;

/** The models the fake serves, by slug; `undefined` for any other (answered 404). */
export function fakeModel(slug: string): FakeModel | undefined {
  if (isKnownModel(slug)) {
    return {
      slug,
      sync: true,
      async: true,
      promptRequired: true,
      imageParams: [],
      defaultSeed: slug === 'fast-flux-schnell' ? 1184522 : 123456789,
      check: (params) => {
        // The real API ignores unknown keys, so the fake does too.
        const parsed = schemaFor(slug).strip().safeParse(params);
        if (parsed.success) return undefined;
        const issue = parsed.error.issues[0]!;
        const field = issue.path.join('.');
        return { reason: `Invalid value for ${field}: ${issue.message}`, field, message: issue.message };
      },
    };
  }
  // Provisional, until the model registry lands: the two known image-input shapes, unvalidated.
  const imageParams = imageParamsOf(slug);
  if (imageParams.length === 0) return undefined;
  return {
    slug,
    sync: true,
    async: slug !== 'flux-2-klein-4b',
    promptRequired: true,
    imageParams,
    defaultSeed: 42,
    check: () => undefined,
  };
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
