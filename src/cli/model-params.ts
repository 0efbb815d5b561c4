import { ValidationError } from '../errors.js';
import type { KnownModel } from '../models/params.js';
import { toRequestBody } from '../models/validate.js';
import { checkKey, parseDecimal, parseJsonExact } from './exact-json.js';
import { allModelFlags, type ModelFlag, modelFlags, typedModel } from './model-flags.js';
import { type ParsedToken, UsageError } from './usage.js';

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

/** One parameter set on the command line, by a model flag or `--param`, in the order written. */
export interface Setting {
  /** The parameter (`aspect_ratio`). */
  key: string;
  /** The text after the flag; `true` for a switch. */
  raw: string | boolean;
  /** How it was written, for messages: `--aspect-ratio`, `--param aspect_ratio`. */
  label: string;
}

/**
 * The parameters the command line sets, in order. The rule for a parameter set twice, by its flag
 * (`--steps 2`) and by `--param steps=3`, or twice by either: **the later one wins**, as with any
 * repeated flag, so `--param` defaults in a script or alias can be overridden by flags after them.
 * A model flag the model does not have is refused here.
 */
export function commandLineSettings(model: string, tokens: readonly ParsedToken[]): Setting[] {
  const typed = typedModel(model);
  const all = allModelFlags();
  const own = new Map((typed ? modelFlags(typed) : []).map((f) => [f.flag, f]));
  const settings: Setting[] = [];
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (token.name === 'param') {
      const [key, raw] = splitParam(token.value ?? '');
      settings.push({ key, raw, label: `--param ${key}` });
      continue;
    }
    if (!all.has(token.name)) continue;
    const f = own.get(token.name);
    if (!f) {
      throw new UsageError(
        typed
          ? `--${token.name} is not a parameter of ${model} (its flags: ${[...own.keys()].map((k) => `--${k}`).join(', ')})`
          : `--${token.name} is a flag of the typed models; for ${model} pass --param ${all.get(token.name)!.param}=…`,
      );
    }
    settings.push({ key: f.param, raw: token.value ?? true, label: `--${f.flag}` });
  }
  return settings;
}

// `--param key=value` split at the first `=`.
function splitParam(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  if (eq <= 0) throw new UsageError(`--param ${entry}: expected key=value`);
  const key = entry.slice(0, eq);
  checkKey(key, `--param ${key}`);
  return [key, entry.slice(eq + 1)];
}

// A flag's text as the parameter's type: numbers read exactly (a number a double cannot hold is
// refused, never rounded); text that is not a number is left for the model's rule to refuse in its
// own words ("must be an integer from 1 to 8"). A parameter without a generated flag (any key of an
// untyped model) is JSON when it is JSON (4, true, [1,2]), else the text itself.
function coerce(f: ModelFlag | undefined, raw: string | boolean, label: string): unknown {
  if (typeof raw === 'boolean') return raw;
  if (!f) {
    const read = parseJsonExact(raw, label);
    return read.json ? read.value : raw;
  }
  if (f.type === 'integer' || f.type === 'number') return parseDecimal(raw, label) ?? raw;
  if (f.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

/**
 * The parameters of one request for `model`, checked against the model's rules before anything is
 * sent; a broken rule is a {@link UsageError} naming the flag (`--steps: must be an integer from 1
 * to 8`). Sources, each over the one before: the command line's `settings` (the later of two wins),
 * the `prompt` (the argument, stdin or a batch text line; giving it also as `--param prompt` is
 * refused), then `line`: a batch JSONL line's keys (named `where` in errors), which win over the
 * command line.
 */
export function paramsFromFlags(
  model: string,
  settings: readonly Setting[],
  prompt: string | undefined,
  line: Record<string, unknown> = {},
  where = '',
): Record<string, unknown> {
  const typed = typedModel(model);
  const byParam = new Map((typed ? modelFlags(typed) : []).map((f) => [f.param, f]));
  const params: Record<string, unknown> = {};
  const labels = new Map<string, string>();
  for (const { key, raw, label } of settings) {
    params[key] = coerce(byParam.get(key), raw, label);
    labels.set(key, label);
  }
  if (prompt !== undefined) {
    checkPromptOnce(settings);
    params.prompt = prompt;
    labels.set('prompt', 'the prompt');
  }
  for (const [key, value] of Object.entries(line)) {
    checkKey(key, `${where}${key}`);
    params[key] = value;
    labels.set(key, `${where}${key}`);
  }
  if (typed) check(typed, params, labels);
  return params;
}

/** Refuses a prompt given both as the argument (or stdin, or a text line) and as `--param prompt`. */
export function checkPromptOnce(settings: readonly Setting[]): void {
  if (settings.some((s) => s.key === 'prompt')) {
    throw new UsageError('the prompt is given twice: as text and as --param prompt; keep one');
  }
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
