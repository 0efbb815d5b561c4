import { isRecord, ValidationError, type ValidationIssue } from '../errors.js';
import type * as Checks from './check.js';
import { modelRules } from './lookup.js';
import type { ModelRules } from './registry/types.js';

// The checks (and zod/mini with them) load on first validation, through a literal import() that
// every bundler follows and can split into its own chunk; `import 'segmind'` does not pay for them.
// The function is kept, not the module: a call through a module namespace object is a slow
// property lookup in JavaScriptCore (Bun), on every call.
type CheckParams = typeof Checks.checkParams;
let loading: Promise<CheckParams> | undefined;
let loaded: CheckParams | undefined;

function checks(): Promise<CheckParams> | CheckParams {
  if (loaded) return loaded;
  loading ??= import('./check.js').then((module) => {
    loaded = module.checkParams;
    return loaded;
  });
  return loading;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** @internal Refuses anything but a plain object: every model's parameters are one JSON object. */
export function assertParamsObject(
  model: string,
  params: unknown,
): asserts params is Record<string, unknown> {
  if (!isPlainObject(params)) {
    throw new ValidationError(model, [{ path: '', message: 'parameters must be a JSON object' }]);
  }
}

/**
 * @internal Every rule of the model's registry entry that `params` breaks (empty for a model outside
 * the registry). `unknownKeys: 'ignore'` skips the unknown-key rules (the fake: the real API ignores
 * unknown keys).
 */
export async function modelIssues(
  model: string,
  params: Record<string, unknown>,
  unknownKeys: Checks.UnknownKeys = 'check',
): Promise<ValidationIssue[]> {
  const spec = modelRules(model);
  if (!spec) return [];
  return (await checks())(spec, params, unknownKeys);
}

/**
 * @internal Checks `params` for `model` and returns them unchanged (nothing added, nothing
 * dropped: only what the caller set is sent, the server applies its own defaults). Throws a
 * {@link ValidationError} listing every broken rule. With `validate` off, or for a model outside the
 * registry, only "a plain object" is required. Runs before any network I/O, uploads included.
 */
export async function validateParams(
  model: string,
  params: unknown,
  validate: boolean,
): Promise<Record<string, unknown>> {
  return checkParamsNow(model, modelRules(model), params, validate);
}

/**
 * @internal {@link validateParams} for a model whose rules the caller looked up: synchronous once
 * the checks are loaded (every call after the first), so a call adds no promise for them. Throws
 * (or rejects, while the checks load) with the {@link ValidationError}.
 */
export function checkParamsNow(
  model: string,
  rules: ModelRules | undefined,
  params: unknown,
  validate: boolean,
): Record<string, unknown> | Promise<Record<string, unknown>> {
  assertParamsObject(model, params);
  if (!validate || !rules) return params;
  const check = checks();
  if (check instanceof Promise) return check.then((loaded) => checked(loaded, model, rules, params));
  return checked(check, model, rules, params);
}

function checked(
  checkParams: CheckParams,
  model: string,
  rules: ModelRules,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const issues = checkParams(rules, params);
  if (issues.length) throw new ValidationError(model, issues);
  return params;
}

/** @internal The JSON body of checked params (after any image bytes were replaced by URLs). */
export function serializeParams(model: string, params: Record<string, unknown>): string {
  try {
    return JSON.stringify(params);
  } catch (err) {
    throw new ValidationError(model, [
      { path: '', message: `parameters must be JSON-serializable (${(err as Error).message})` },
    ]);
  }
}

/**
 * @internal Checks `params` for `model` and returns the JSON body to send (see
 * {@link validateParams}).
 */
export async function requestBody(model: string, params: unknown, validate: boolean): Promise<string> {
  return serializeParams(model, await validateParams(model, params, validate));
}
