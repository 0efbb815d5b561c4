// A registry entry compiled into zod/mini schemas: one schema per parameter, each with messages that
// name the rule ("must be an integer from 1 to 8"). zod/mini is zod's tree-shakable API: only the
// few builders used here reach a bundle, and no locale (every message is our own).
import {
  array,
  boolean,
  check,
  custom,
  gte,
  int,
  looseObject,
  lte,
  minLength,
  multipleOf,
  number,
  optional,
  refine,
  strictObject,
  string,
  type ZodMiniObject,
  type ZodMiniType,
  enum as zodEnum,
} from 'zod/mini';
import { isImageBytes } from '../uploads/image-input.js';
import type { ModelRules, ParamRules } from './registry/types.js';
import { multipleRule, valueRule, valuesRule } from './rules.js';

type Message = (issue: { readonly input?: unknown }) => string;

// A missing required parameter reaches the schema as undefined: said as such, not as a type error.
const orRequired =
  (message: string): Message =>
  (issue) =>
    issue.input === undefined ? 'is required' : message;

/** @internal An `http(s)` URL, as image parameters take them (sent as is, never fetched). */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

const isImageValue = (value: unknown) => isHttpUrl(value) || isImageBytes(value);

/**
 * @internal zod's own builders for four rules, used by the object schemas the package exports (their
 * JSON Schema then says `integer`, `minLength`, `enum`, `array`). Without them, the SDK's checks
 * state the same rules with builders every check already uses (an integer is a number that is an
 * integer within the safe range; "not empty" a refinement run where minLength() would run; a
 * complete list a membership test; a list of images a list checked item by item), with the same
 * messages in the same order (test/models/quick-accept.test.ts compares the two), so an app that
 * only calls models bundles none of zod's number formats, length checks, enums or arrays.
 */
export interface NativeBuilders {
  integer(error: Message): ZodMiniType;
  nonEmpty(error: string): ReturnType<typeof minLength>;
  oneOf(values: readonly string[], error: Message): ZodMiniType;
  list(item: ZodMiniType, error: Message): ZodMiniType;
}

function numberSchema(p: ParamRules, native: NativeBuilders | undefined): ZodMiniType {
  const rule = `must be ${valueRule(p)}`;
  const isInteger = p.type === 'integer';
  const base = isInteger && native ? native.integer(orRequired(rule)) : number({ error: orRequired(rule) });
  const checks = [];
  if (isInteger && !native) {
    // int()'s rule in int()'s order: not an integer ends the checks, outside the safe range does not.
    checks.push(refine(Number.isInteger, { error: rule, abort: true }));
    if (p.min === undefined) checks.push(gte(Number.MIN_SAFE_INTEGER, { error: rule }));
    if (p.max === undefined) checks.push(lte(Number.MAX_SAFE_INTEGER, { error: rule }));
  }
  if (p.min !== undefined) checks.push(gte(p.min, { error: rule }));
  if (p.max !== undefined) checks.push(lte(p.max, { error: rule }));
  if (p.multipleOf !== undefined)
    checks.push(multipleOf(p.multipleOf, { error: `must be ${multipleRule(p)}` }));
  return checks.length ? base.check(...checks) : base;
}

// Where zod's minLength() runs: on any value with a length, even one the type refused (so `[]` for a
// string is "must be a string and must not be empty", as the exported schemas say it).
const hasLength = (payload: { value: unknown }) =>
  payload.value !== undefined &&
  payload.value !== null &&
  (payload.value as { length?: unknown }).length !== undefined;
const notEmpty = (value: { length: number }) => value.length > 0;

function stringSchema(p: ParamRules, name: string, native: NativeBuilders | undefined): ZodMiniType {
  // An open list (the page cut it short) checks only that the value is a string.
  if (p.values?.length && p.valuesComplete) {
    const error = orRequired(`must be ${valuesRule(p, name)}`);
    if (native) return native.oneOf(p.values, error);
    const values = new Set<unknown>(p.values);
    return custom((value) => values.has(value), { error });
  }
  const base = string({ error: orRequired('must be a string') });
  if (!p.required) return base;
  const error = 'must not be empty';
  return base.check(native ? native.nonEmpty(error) : refine(notEmpty, { error, when: hasLength }));
}

function imageSchema(p: ParamRules, native: NativeBuilders | undefined): ZodMiniType {
  const oneError = orRequired(`must be ${valueRule({ ...p, type: 'image' })}`);
  const one = custom(isImageValue, { error: oneError });
  if (p.type === 'image') return one;
  const error = orRequired(`must be ${valueRule(p)}`);
  if (native) return native.list(one, error);
  // A list, then each item, an issue at each index that is not an image, as array(one) says them.
  return custom(Array.isArray, { error }).check(
    check((payload) => {
      const list = payload.value;
      if (!Array.isArray(list)) return;
      for (let i = 0; i < list.length; i++) {
        const input: unknown = list[i];
        if (!isImageValue(input)) {
          payload.issues.push({ code: 'custom', input, path: [i], message: oneError({ input }) });
        }
      }
    }),
  );
}

/**
 * @internal The zod schema of one parameter's value (a missing value is "is required"; whether it
 * may be missing is the caller's to say: check.ts skips it, objectSchema() wraps it in `optional()`).
 */
export function paramSchema(p: ParamRules, name: string, native?: NativeBuilders): ZodMiniType {
  let schema: ZodMiniType;
  switch (p.type) {
    case 'integer':
    case 'number':
      schema = numberSchema(p, native);
      break;
    case 'string':
      schema = stringSchema(p, name, native);
      break;
    case 'boolean':
      schema = boolean({ error: orRequired(`must be ${valueRule(p)}`) });
      break;
    case 'image':
    case 'image[]':
      schema = imageSchema(p, native);
      break;
    case 'number | string':
      // Where pages disagree on the type: either is sent. A predicate rather than a zod union of two
      // schemas: the same rule (a finite number, as zod's number() takes, or a string) without
      // zod's union machinery in every bundle.
      schema = custom(isNumberOrString, { error: orRequired(`must be ${valueRule(p)}`) });
      break;
  }
  return schema;
}

const isNumberOrString = (value: unknown) =>
  typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

/**
 * @internal The parameter's rule as a plain test that can only say yes: `true` when the value
 * certainly passes its zod schema, `false` when the schema must decide (and word the issue).
 * Valid params, the common case, are then accepted without running zod on every call (a few µs a
 * call, a measurable share of a small request in Bun); anything else still goes through zod, so
 * the rule's messages have one source. `undefined` where only the schema decides (images).
 * test/models/quick-accept.test.ts checks, for every registry parameter, that it never says yes
 * where the schema says no.
 */
export function quickAccept(p: ParamRules): ((value: unknown) => boolean) | undefined {
  const min = p.min ?? Number.NEGATIVE_INFINITY;
  const max = p.max ?? Number.POSITIVE_INFINITY;
  switch (p.type) {
    case 'string': {
      if (p.values?.length && p.valuesComplete) {
        const values = new Set<unknown>(p.values);
        return (value) => values.has(value);
      }
      return p.required
        ? (value) => typeof value === 'string' && value.length > 0
        : (value) => typeof value === 'string';
    }
    case 'boolean':
      return (value) => typeof value === 'boolean';
    case 'integer': {
      const step = p.multipleOf;
      // zod's multipleOf works in decimals; an integer step over safe integers is plain `%`.
      if (step !== undefined && !Number.isSafeInteger(step)) return undefined;
      return (value) =>
        Number.isSafeInteger(value) &&
        (value as number) >= min &&
        (value as number) <= max &&
        (step === undefined || (value as number) % step === 0);
    }
    case 'number':
      if (p.multipleOf !== undefined) return undefined;
      return (value) => typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
    case 'number | string':
      return isNumberOrString;
    case 'image':
    case 'image[]':
      return undefined;
  }
}

/**
 * @internal One schema per parameter of `spec`, in the registry's order, each as the parameter's
 * own value requires it: a missing optional parameter is skipped by the caller (check.ts), so the
 * checks that run on every call need no `optional()` wrapper (nor its code in a bundle).
 */
export function paramsShape(spec: ModelRules): Record<string, ZodMiniType> {
  const shape: Record<string, ZodMiniType> = {};
  for (const [name, p] of Object.entries(spec.params)) shape[name] = paramSchema(p, name);
  return shape;
}

/** @internal The builders of the exported schemas (see {@link NativeBuilders}). */
export const NATIVE: NativeBuilders = {
  integer: (error) => int({ error }),
  nonEmpty: (error) => minLength(1, { error }),
  oneOf: (values, error) => zodEnum(values as [string, ...string[]], { error }),
  list: (item, error) => array(item, { error }),
};

/**
 * @internal The model's parameters as one zod object: strict (unknown keys are an issue) or loose
 * (unknown keys pass; the caller decides about them).
 */
export function objectSchema(spec: ModelRules, strict: boolean): ZodMiniObject {
  const error: Message = () => 'must be an object';
  const shape: Record<string, ZodMiniType> = {};
  for (const [name, p] of Object.entries(spec.params)) {
    const schema = paramSchema(p, name, NATIVE);
    shape[name] = p.required ? schema : optional(schema);
  }
  return strict
    ? strictObject(shape, {
        error: (issue) =>
          (issue as { code?: string }).code === 'unrecognized_keys' ? 'unknown parameter' : error(issue),
      })
    : looseObject(shape, { error });
}
