// The two zod schemas the package has always exported, now compiled from the registry like every
// model's validation. Built at the top level but marked pure, so a bundler drops them (and the zod
// builders only they use) from an app that does not import them.
import type { core, ZodMiniObject } from 'zod/mini';
import { objectSchema } from './compile.js';
import type { KnownModel } from './generated/index.js';
import { MODEL_RULES } from './generated/rules.js';
import type { FastFluxSchnellParamsShape, FluxSchnellParamsShape } from './generated/schemas.js';

export type { FastFluxSchnellParamsShape, FluxSchnellParamsShape, ParamSchema } from './generated/schemas.js';

/**
 * The zod schema of `flux-schnell`'s parameters: a zod/mini object, strict (unknown keys are refused).
 * @example
 * const result: ReturnType<FluxSchnellParamsSchema['safeParse']> = FluxSchnellParamsSchema.safeParse(params);
 */
export type FluxSchnellParamsSchema = ZodMiniObject<FluxSchnellParamsShape, core.$strict>;

/**
 * The zod schema of `fast-flux-schnell`'s parameters: a zod/mini object, strict (unknown keys are refused).
 * @example
 * const shape: FastFluxSchnellParamsShape = FastFluxSchnellParamsSchema.shape;
 */
export type FastFluxSchnellParamsSchema = ZodMiniObject<FastFluxSchnellParamsShape, core.$strict>;

/**
 * Parameters of `flux-schnell` as a zod (zod/mini) schema, with the SDK's own messages. Only
 * `prompt` is required; anything left out is not sent, and the server applies its own default.
 * @example
 * const ok = FluxSchnellParamsSchema.safeParse({ prompt: 'a tiger', width: 1000 }).success; // false
 */
export const FluxSchnellParamsSchema: FluxSchnellParamsSchema = /* @__PURE__ */ strictSchema(
  'flux-schnell',
) as FluxSchnellParamsSchema;

/**
 * Parameters of `fast-flux-schnell` as a zod (zod/mini) schema, with the SDK's own messages.
 * @example
 * FastFluxSchnellParamsSchema.parse({ prompt: 'a car', aspect_ratio: '16:9' });
 */
export const FastFluxSchnellParamsSchema: FastFluxSchnellParamsSchema = /* @__PURE__ */ strictSchema(
  'fast-flux-schnell',
) as FastFluxSchnellParamsSchema;

// The slug is passed as a literal: a bundler keeps a pure call whose arguments might have side
// effects, and a property read such as MODEL_RULES['flux-schnell'] might (a getter).
function strictSchema(slug: KnownModel): unknown {
  return objectSchema(MODEL_RULES[slug], true);
}
