// The checks themselves, loaded on first validation (validate.ts imports this module with a literal
// `import()`, so zod/mini stays out of `import 'segmind'` for bundlers that split chunks).
import type { ZodMiniType } from 'zod/mini';
import type { ValidationIssue } from '../errors.js';
import { closest, editDistance } from '../util/did-you-mean.js';
import { paramsShape, quickAccept } from './compile.js';
import type { ModelRules } from './registry/types.js';

/**
 * What to do with keys the entry does not list: `'check'` refuses them on a complete model and
 * refuses near misses on a partial one (the SDK's rule); `'ignore'` skips them (the real API
 * ignores unknown keys, so the fake does too).
 */
export type UnknownKeys = 'check' | 'ignore';

interface CompiledParam {
  readonly name: string;
  readonly schema: ZodMiniType;
  /** Says yes without zod for a value that certainly passes (see compile.ts). */
  readonly quick: ((value: unknown) => boolean) | undefined;
  readonly required: boolean;
}

// Compiled once per entry (a LoRA pattern entry serves many slugs: keyed by entry, not slug). One
// schema per parameter rather than a zod object: only the keys present (and the required ones) are
// parsed, and no object-schema code reaches a bundle that does not export the two object schemas.
const compiled = new WeakMap<ModelRules, Compiled>();

interface Compiled {
  /** In the entry's order, the order issues are reported in. */
  readonly params: readonly CompiledParam[];
  readonly byName: ReadonlyMap<string, CompiledParam>;
  readonly required: number;
}

function compile(spec: ModelRules): Compiled {
  let model = compiled.get(spec);
  if (!model) {
    const params = Object.entries(paramsShape(spec)).map(([name, schema]) => ({
      name,
      schema,
      quick: quickAccept(spec.params[name]!),
      required: spec.params[name]!.required === true,
    }));
    const required = params.filter((p) => p.required).length;
    model = { params, byName: new Map(params.map((p) => [p.name, p])), required };
    compiled.set(spec, model);
  }
  return model;
}

// Valid params, the common case, in one pass over the keys the caller set (a handful, not every
// parameter of the entry). Anything in doubt (an unknown key, a value quickAccept cannot vouch for,
// a required parameter missing) is left to the full pass, which finds and words every issue.
function surelyValid(model: Compiled, params: Record<string, unknown>, unknownKeys: UnknownKeys): boolean {
  let required = 0;
  for (const key of Object.keys(params)) {
    const param = model.byName.get(key);
    const value = params[key];
    if (!param) {
      if (unknownKeys === 'check') return false;
    } else if (value !== undefined) {
      if (!param.quick?.(value)) return false;
      if (param.required) required++;
    }
  }
  return required === model.required;
}

/**
 * @internal Every rule `params` breaks, one issue per field (a field breaking two rules gets one
 * sentence), in the entry's order, then the unknown keys. Empty when the params are valid.
 */
export function checkParams(
  spec: ModelRules,
  params: Record<string, unknown>,
  unknownKeys: UnknownKeys = 'check',
): ValidationIssue[] {
  const model = compile(spec);
  if (surelyValid(model, params, unknownKeys)) return [];
  const issues: ValidationIssue[] = [];
  for (const { name, schema, quick, required } of model.params) {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value === undefined && !required) continue;
    // A value that certainly passes skips zod; zod decides, and words, everything else.
    if (quick?.(value)) continue;
    const parsed = schema.safeParse(value);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      issues.push({ path: [name, ...issue.path].join('.'), message: issue.message });
    }
  }
  if (unknownKeys === 'check') addUnknownKeyIssues(spec, params, issues);
  return issues.length === 0 ? issues : mergeByPath(issues);
}

function addUnknownKeyIssues(
  spec: ModelRules,
  params: Record<string, unknown>,
  issues: ValidationIssue[],
): void {
  let known: string[] | undefined;
  for (const key of Object.keys(params)) {
    if (Object.hasOwn(spec.params, key)) continue;
    known ??= Object.keys(spec.params);
    if (spec.strict) {
      const guess = closest(key, known);
      issues.push({
        path: key,
        message: `unknown parameter${guess ? `; did you mean ${guess}?` : ''} (known: ${known.join(', ')})`,
      });
    } else {
      const guess = nearMiss(key, known);
      if (guess) issues.push({ path: key, message: `unknown parameter; did you mean ${guess}?` });
    }
  }
}

const normalize = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * @internal The known name `key` is a near miss of, the nearest first: at most 2 edits away
 * (ignoring case and separators, so `inputImage` is `input_image`) and fewer edits than half the
 * name's length, so a short name is not "near" every other short word (`size` is not `seed`).
 * A partial model sends keys it does not know, but a near miss is almost surely a typo the server
 * would ignore after the credit is spent.
 */
export function nearMiss(key: string, known: readonly string[]): string | undefined {
  const k = normalize(key);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const n = normalize(name);
    const d = editDistance(k, n);
    if (d <= 2 && d * 2 < n.length && d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

// One issue per field: 511 is both out of range and not a multiple of 8, said in one sentence.
function mergeByPath(issues: ValidationIssue[]): ValidationIssue[] {
  const byPath = new Map<string, string[]>();
  for (const { path, message } of issues) {
    const messages = byPath.get(path) ?? [];
    if (!messages.includes(message)) messages.push(message);
    byPath.set(path, messages);
  }
  return [...byPath].map(([path, messages]) => ({ path, message: messages.join(' and ') }));
}
