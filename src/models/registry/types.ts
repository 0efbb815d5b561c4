// The shape of one registry entry. Everything the SDK knows about a model is data of this shape;
// validation, the TypeScript types, CLI flags, listings and docs are derived from it.

/** What a model is for, as `segmind models` groups them. */
export type ModelGroup = 'text-to-image' | 'editing' | 'conditioning' | 'upscaling';

/**
 * An API generation a model's page shows: `v1` (`POST /v1/<slug>`, answered with the image) or
 * `v2` (`POST /v2/<slug>`: submit, then poll for the result).
 */
export type Endpoint = 'v1' | 'v2';

/**
 * A parameter's type. `image` is one image and `image[]` a list of them: an `http(s)` URL or bytes
 * (see `ImageInput`). `number | string` is used where Segmind's pages disagree on the type, so the
 * SDK accepts both.
 */
export type ParamType = 'string' | 'integer' | 'number' | 'boolean' | 'image' | 'image[]' | 'number | string';

/** A value as a page shows it, as a default or in its code sample. */
export type ParamValue = string | number | boolean | readonly string[];

/**
 * One parameter of a model, as Segmind's page states it. The SDK enforces exactly what is stated
 * here: the type, `required`, `min`/`max`, `multipleOf`, and `values` when `valuesComplete`.
 * @example
 * MODELS['flux-schnell'].params.steps; // { type: 'integer', min: 1, max: 8, default: 4, … }
 */
export interface ParamSpec {
  /** The value's type. */
  readonly type: ParamType;
  /** What the parameter does, in one line. */
  readonly description: string;
  /** The page marks it required. @default false */
  readonly required?: boolean;
  /** The server's default as the page shows it. The SDK never sends it: the server applies it. */
  readonly default?: ParamValue;
  /** A value the page's code sample sends, where the page shows no default. */
  readonly example?: ParamValue;
  /** The smallest value allowed, as the page states it. */
  readonly min?: number;
  /** The largest value allowed, as the page states it. */
  readonly max?: number;
  /** The value must be a multiple of this, as the page states it. */
  readonly multipleOf?: number;
  /** The allowed values the page lists (strings). */
  readonly values?: readonly string[];
  /**
   * `true` when `values` is the page's whole list: any other value is refused. `false` when the
   * page cut the list short: `values` are the known ones and any other string is sent as given.
   */
  readonly valuesComplete?: boolean;
  /**
   * `'example'` when the parameter appears only in the page's code sample, not in its parameter
   * table: its type is read from that value and nothing more is checked. @default 'table'
   */
  readonly seenIn?: 'table' | 'example';
  /** Where captures of the page disagree or are unclear; the SDK enforces neither side. */
  readonly caveat?: string;
}

/**
 * One model of the registry: a Segmind slug and what its page states about it.
 * @example
 * const spec = MODELS['flux-kontext-pro'];
 * spec.group;                           // 'editing'
 * spec.params.input_image.type;         // 'image'
 */
export interface ModelSpec {
  /** The slug in `POST /v1/<slug>` and `/v2/<slug>` (for a pattern entry, a placeholder). */
  readonly slug: string;
  /** The model's name as Segmind's page titles it. */
  readonly title: string;
  /** What the model is for, in one line. */
  readonly description: string;
  /** What the model is for, as `segmind models` groups them. */
  readonly group: ModelGroup;
  /** The endpoints the model's page shows (see {@link ModelSpec.endpointsNote} for how they were seen). */
  readonly endpoints: readonly Endpoint[];
  /** How the endpoints were seen, where the page does not simply show both. */
  readonly endpointsNote?: string;
  /**
   * `true` when the page's parameter table is complete: a key not listed is refused (with a
   * suggestion). `false` when the model is known only in part: other keys are sent as given,
   * except a near miss of a known name (edit distance ≤ 2), which is refused. Each entry's comment
   * in the registry's source says why (its evidence).
   */
  readonly strict: boolean;
  /** The parameters, in the page's order. */
  readonly params: { readonly [name: string]: ParamSpec };
}

/**
 * A family of slugs the registry matches by pattern instead of by name: users' own Flux LoRA
 * endpoints (`<uuid>-<name>`), which no closed list of slugs can hold.
 */
export interface ModelPatternSpec extends ModelSpec {
  /** A regular expression (source text) every slug of the family matches, whole. */
  readonly pattern: string;
}

/**
 * @internal What validation reads of a parameter: its rules without its docs. The SDK's runtime
 * reads these from `generated/rules.ts` (generated from the registry), so an app that does not
 * import `MODELS` ships no descriptions.
 */
export type ParamRules = Pick<
  ParamSpec,
  'type' | 'required' | 'min' | 'max' | 'multipleOf' | 'values' | 'valuesComplete'
>;

/** @internal What validation reads of a model: whether its table is complete, and its parameters' rules. */
export interface ModelRules {
  /** See {@link ModelSpec.strict}. */
  readonly strict: boolean;
  /** The parameters' rules, in the page's order. */
  readonly params: { readonly [name: string]: ParamRules };
}

/** @internal The rules of a pattern entry (users' LoRA endpoints). */
export interface PatternRules extends ModelRules {
  /** See {@link ModelPatternSpec.pattern}. */
  readonly pattern: string;
}
