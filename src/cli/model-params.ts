import { parseArgs } from 'node:util';
import { imageParams, modelSpec } from '../models/lookup.js';
import { modelIssues } from '../models/request-body.js';
import { flagName } from '../models/views/flags.js';
import { checkKey, parseDecimal, parseJsonExact } from './exact-json.js';
import { ImageFiles } from './image-files.js';
import { cliFlags, everyModelFlag, flagOptions, type ModelFlag, negated } from './model-flags.js';
import { type ParsedToken, parseCommand, UsageError } from './usage.js';

type Options = Parameters<typeof parseCommand>[1];

/**
 * The arguments of a command that takes a model (`run`, `sync`, `batch`) parsed with that model's
 * own flags, so an unknown flag is named with the model's nearest one. The model is found first
 * with every registry model's flags known (their values are not positionals), then the arguments
 * are parsed strictly with `options` and the model's flags.
 */
export function parseModelCommand<O extends Options>(args: string[], options: O) {
  const { positionals } = parseArgs({
    args,
    options: { ...everyModelFlag(), ...options },
    allowPositionals: true,
    strict: false,
  });
  const model = positionals[0];
  const flags = model === undefined ? [] : cliFlags(model);
  const parsed = parseCommand(
    args,
    { ...options, ...flagOptions(flags), param: { type: 'string', multiple: true } },
    (flag) => (model === undefined ? undefined : notAFlagOf(model, flag, flags)),
  );
  return { ...parsed, model, flags };
}

// Why a flag of some other model is not one of this model's (or of a model outside the registry).
function notAFlagOf(model: string, flag: string, flags: readonly ModelFlag[]): string | undefined {
  const name = flag.replace(/^-+/, '');
  if (!Object.hasOwn(everyModelFlag(), name)) return undefined;
  const param = name.replace(/^no-/, '').replaceAll('-', '_');
  if (!modelSpec(model)) {
    return `${flag} is not a flag of ${model}, a model outside the SDK's registry: pass --param ${param}=… (segmind models lists the registry)`;
  }
  const own = flags.map((f) => `--${f.flag}`).join(', ');
  return `${flag} is not a parameter of ${model} (its flags: ${own || 'none'}; any other key: --param key=value)`;
}

/** One parameter set on the command line, by a model flag or `--param`, in the order written. */
export interface Setting {
  /** The parameter (`aspect_ratio`). */
  key: string;
  /** The text after the flag; `true` or `false` for a switch (`--go-fast`, `--no-go-fast`). */
  raw: string | boolean;
  /** How it was written, for messages: `--aspect-ratio`, `--param aspect_ratio`. */
  label: string;
  /** A flag of an image list (`--image-urls`): adds one image to the list instead of setting it. */
  append?: boolean;
}

/**
 * The parameters the command line sets, in order. The rule for a parameter set twice, by its flag
 * (`--steps 2`) and by `--param steps=3`, or twice by either: **the later one wins**, as with any
 * repeated flag, so `--param` defaults in a script or alias can be overridden by flags after them.
 * An image list is the exception that proves it: each `--image-urls` adds one image, in order, and
 * `--param image_urls=[…]` sets the whole list (so a later one replaces the images before it).
 */
export function commandLineSettings(flags: readonly ModelFlag[], tokens: readonly ParsedToken[]): Setting[] {
  const byFlag = new Map<string, { f: ModelFlag; raw?: boolean }>();
  for (const f of flags) {
    byFlag.set(f.flag, { f });
    if (f.type === 'boolean') byFlag.set(negated(f), { f, raw: false });
  }
  const settings: Setting[] = [];
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (token.name === 'param') {
      const [key, raw] = splitParam(token.value ?? '');
      settings.push({ key, raw, label: `--param ${key}` });
      continue;
    }
    const found = byFlag.get(token.name);
    if (!found) continue;
    const { f } = found;
    const setting: Setting = {
      key: f.param,
      raw: found.raw ?? token.value ?? true,
      label: `--${token.name}`,
    };
    if (f.image === 'array') setting.append = true;
    settings.push(setting);
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
// own words ("must be an integer from 1 to 8"). An image list given whole (`--param image_urls=[…]`)
// and a parameter without a generated flag (any key of an untyped model) are JSON when they are
// JSON (4, true, [1,2]), else the text itself.
function coerce(f: ModelFlag | undefined, raw: string | boolean, label: string): unknown {
  if (typeof raw === 'boolean') return raw;
  if (!f || f.image === 'array') {
    const read = parseJsonExact(raw, label);
    return read.json ? read.value : raw;
  }
  if (f.type === 'integer' || f.type === 'number') return parseDecimal(raw, label) ?? raw;
  if (f.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

/** Where a command's parameters come from besides the command line. */
export interface ParamLine {
  /** The prompt: the argument, stdin or a batch text line. */
  prompt?: string | undefined;
  /** A batch JSONL line's keys: they win over the command line. */
  line?: Record<string, unknown>;
  /** How errors name the line: `line 3: `. */
  where?: string;
  /** The folder the line's image paths are relative to (the JSONL file's; stdin: the current one). */
  folder?: string;
}

/** Builds the parameters of each request of a command from its command line (see {@link paramReader}). */
export interface ParamReader {
  /**
   * The parameters of one request, checked against the model's rules before anything is sent; a
   * broken rule is a {@link UsageError} naming the flag (`--steps: must be an integer from 1 to
   * 8`) or the line's key. Sources, each over the one before: the command line (the later of two
   * settings wins), the `prompt` (giving it also as `--param prompt` is refused), then a batch
   * line's keys.
   */
  read(source?: ParamLine): Promise<Record<string, unknown>>;
}

/**
 * Reads the command line's settings for `model` once: numbers exactly, image paths (relative to
 * `cwd`) checked (readable files, images the upload will take) and turned into files. Every request of the command starts from these values, so
 * a batch's lines share the command line's images. An image path in a batch line is relative to the
 * line's `folder`. A path that is not a readable file is a {@link UsageError} here, before anything
 * is sent; the SDK uploads the files when the request goes out.
 */
export async function paramReader(
  model: string,
  settings: readonly Setting[],
  cwd: string,
): Promise<ParamReader> {
  const byParam = new Map(cliFlags(model).map((f) => [f.param, f]));
  const images = new Map(imageParams(model).map((i) => [i.name, i.array]));
  const files = new ImageFiles(cwd);
  const base: Record<string, unknown> = {};
  const labels = new Map<string, string>();
  for (const { key, raw, label, append } of settings) {
    let value = coerce(byParam.get(key), raw, label);
    const array = images.get(key);
    if (array !== undefined) {
      if (append) {
        const list = Array.isArray(base[key]) ? (base[key] as unknown[]) : [];
        value = [...list, files.resolve(String(value), cwd, label)];
      } else {
        value = files.resolveValue(value, array, cwd, label);
      }
    }
    base[key] = value;
    labels.set(key, label);
  }
  // The command line's own images, checked once (not again, nor named by line, for each batch line).
  const problems = await files.verify();
  if (problems.length) throw new UsageError(problems.join('\n'));
  return {
    async read({ prompt, line = {}, where = '', folder = cwd } = {}) {
      const params = { ...base };
      const named = new Map(labels);
      if (prompt !== undefined) {
        checkPromptOnce(settings);
        params.prompt = prompt;
        named.set('prompt', 'the prompt');
      }
      for (const [key, value] of Object.entries(line)) {
        checkKey(key, `${where}${key}`);
        const array = images.get(key);
        params[key] =
          array === undefined ? value : files.resolveValue(value, array, folder, `${where}${key}`);
        named.set(key, `${where}${key}`);
      }
      const problems = await files.verify();
      await check(model, params, (key) => named.get(key) ?? defaultLabel(key, byParam), problems);
      return params;
    },
  };
}

// A parameter nobody set (a required one): its flag, else its name.
function defaultLabel(key: string, byParam: Map<string, ModelFlag>): string {
  if (key === 'prompt') return 'the prompt';
  return byParam.has(key) ? `--${flagName(key)}` : key;
}

/** Refuses a prompt given both as the argument (or stdin, or a text line) and as `--param prompt`. */
export function checkPromptOnce(settings: readonly Setting[]): void {
  if (settings.some((s) => s.key === 'prompt')) {
    throw new UsageError('the prompt is given twice: as text and as --param prompt; keep one');
  }
}

/**
 * Checks params with the SDK's own rules (the registry's; nothing for a model outside it), naming
 * flags instead of JSON keys: `image_urls.1` is reported as `--image-urls[1]`. `problems` (image
 * files the upload would refuse) are reported with them.
 */
async function check(
  model: string,
  params: Record<string, unknown>,
  label: (key: string) => string,
  problems: readonly string[],
) {
  const issues = await modelIssues(model, params);
  if (!issues.length && !problems.length) return;
  const lines = issues.map(({ path, message }) => {
    if (path === '') return message;
    const [key = '', ...rest] = path.split('.');
    const inner = rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
    return `${label(key)}${inner}: ${message}`;
  });
  throw new UsageError([...problems, ...lines].join('\n'));
}
