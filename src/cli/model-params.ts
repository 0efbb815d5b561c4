import { ValidationError } from '../errors.js';
import type { KnownModel } from '../models/params.js';
import { toRequestBody } from '../models/validate.js';
import { allModelFlags, type ModelFlag, modelFlags, typedModel } from './model-flags.js';
import { UsageError } from './usage.js';

/** parseArgs option definitions for `--param` and every typed model's flags. */
export function modelOptions() {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    param: { type: 'string', multiple: true },
  };
  for (const f of allModelFlags().values()) {
    options[f.flag] = { type: f.type === 'boolean' ? 'boolean' : 'string' };
  }
  return options;
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

// A flag's text as the schema's type: numbers become numbers; anything else is left for the schema to
// refuse with its own rule ("must be an integer from 1 to 8").
function coerce(f: ModelFlag | undefined, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw;
  if (f && (f.type === 'integer' || f.type === 'number')) {
    const n = raw.trim() === '' ? Number.NaN : Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  if (f?.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

// `--param key=value` split at the first `=`.
function parseParam(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  if (eq <= 0) throw new UsageError(`--param ${entry}: expected key=value`);
  return [entry.slice(0, eq), entry.slice(eq + 1)];
}

// An untyped model's value: JSON when it is JSON (4, true, [1,2]), else the text itself.
function untypedValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * The parameters the flags describe for `model`, checked against the model's rules before anything
 * is sent. A broken rule is a {@link UsageError} naming the flag (`--steps: must be an integer from 1
 * to 8`). `base` (a batch line, named `where` in errors) is overlaid on the flags.
 */
export function paramsFromFlags(
  model: string,
  values: Values,
  prompt: string | undefined,
  base: Record<string, unknown> = {},
  where = '',
): Record<string, unknown> {
  const typed = typedModel(model);
  const params: Record<string, unknown> = {};
  const labels = new Map<string, string>();
  const all = allModelFlags();
  const own = new Map((typed ? modelFlags(typed) : []).map((f) => [f.flag, f]));
  for (const [name, raw] of Object.entries(values)) {
    if (!all.has(name) || raw === undefined || Array.isArray(raw)) continue;
    const f = own.get(name);
    if (!f) {
      throw new UsageError(
        typed
          ? `--${name} is not a parameter of ${model} (its flags: ${[...own.keys()].map((k) => `--${k}`).join(', ')})`
          : `--${name} is a flag of the typed models; for ${model} pass --param ${all.get(name)!.param}=…`,
      );
    }
    params[f.param] = coerce(f, raw);
    labels.set(f.param, `--${f.flag}`);
  }
  const byParam = new Map((typed ? modelFlags(typed) : []).map((f) => [f.param, f]));
  for (const entry of (values.param ?? []) as string[]) {
    const [key, raw] = parseParam(entry);
    params[key] = typed ? coerce(byParam.get(key), raw) : untypedValue(raw);
    labels.set(key, `--param ${key}`);
  }
  if (prompt !== undefined) {
    params.prompt = prompt;
    labels.set('prompt', 'the prompt');
  }
  for (const [key, value] of Object.entries(base)) {
    params[key] = value;
    labels.set(key, `${where}${key}`);
  }
  if (typed) check(typed, params, labels);
  return params;
}

/** Checks typed params with the SDK's own validation, naming flags (`labels`) instead of JSON keys. */
function check(model: KnownModel, params: Record<string, unknown>, labels: Map<string, string>): void {
  try {
    toRequestBody(model, params, true);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const lines = err.issues.map(({ path, message }) => {
      const label = path === '' ? '' : (labels.get(path) ?? (path === 'prompt' ? 'the prompt' : path));
      return label ? `${label}: ${message}` : message;
    });
    throw new UsageError(lines.join('\n'));
  }
}
