// The command-line flags of a model, read from the registry's flag view (src/models/views/flags.ts):
// a rule added to a registry entry shows up in parsing, `--help` and `segmind models` by itself.
// Nothing here loads zod: flags are plain data.
import { MODEL_SLUGS } from '../models/lookup.js';
import { MODEL_PATTERNS } from '../models/registry/index.js';
import { type ModelFlag, modelFlags } from '../models/views/flags.js';

export type { ModelFlag } from '../models/views/flags.js';

type FlagOptions = Record<string, { type: 'string' | 'boolean' }>;

/**
 * Flags of the commands themselves (`-o`, `--json`, `--timeout`, …). A model parameter whose flag
 * would take one of these names gets no flag (it stays reachable with `--param`): the command's
 * meaning of a flag never changes with the model.
 */
export const COMMAND_FLAGS: ReadonlySet<string> = new Set([
  'help',
  'json',
  'api-key-file',
  'base-url',
  'output',
  'force',
  'timeout',
  'concurrency',
  'rpm',
  'journal',
  'via',
  'wait',
  'param',
  'version',
]);

/** `--no-go-fast`: the way to set a switch that defaults to true to false. */
export const negated = (f: ModelFlag) => `no-${f.flag}`;

/**
 * The flags of `model` on the command line: the registry's flags (a LoRA slug's by its pattern),
 * less any that would shadow a command flag. Empty for a model outside the registry.
 */
export function cliFlags(model: string): ModelFlag[] {
  return modelFlags(model).filter((f) => !COMMAND_FLAGS.has(f.flag) && !COMMAND_FLAGS.has(negated(f)));
}

/** parseArgs options for `flags`: a switch as a boolean (and its `--no-` twin), anything else a string. */
export function flagOptions(flags: readonly ModelFlag[]): FlagOptions {
  const options: FlagOptions = {};
  for (const f of flags) {
    options[f.flag] = { type: f.type === 'boolean' ? 'boolean' : 'string' };
    if (f.type === 'boolean') options[negated(f)] = { type: 'boolean' };
  }
  return options;
}

let everyFlag: FlagOptions | undefined;

/**
 * parseArgs options for the flags of every registry model. Only used to find the model's name
 * among the arguments before they are parsed for that model: a flag of some model then takes its
 * value (`--input-image photo.jpg`) instead of leaving it for a positional. A flag is a switch in
 * every model that has it, or takes a value in every one (test/cli/model-flags.test.ts).
 */
export function everyModelFlag(): FlagOptions {
  everyFlag ??= flagOptions([...MODEL_SLUGS, ...MODEL_PATTERNS].flatMap((m) => modelFlags(m)));
  return everyFlag;
}

/** The rule of a flag in words, as the command line reads it (an image is a path or a URL). */
export function flagRule(f: ModelFlag): string {
  if (f.image === 'single') return 'a file path or an http(s) URL';
  if (f.image === 'array') return 'a file path or an http(s) URL; repeat the flag for more, in order';
  if (f.type === 'boolean') return '';
  return f.rule;
}

/** The flag as help writes it: `--steps`; `--[no-]go-fast` for a switch that defaults to true. */
export function flagSpelling(f: ModelFlag): string {
  return f.type === 'boolean' && f.default === 'true' ? `--[no-]${f.flag}` : `--${f.flag}`;
}

/** The placeholder after a flag in help: `<1-8>`, `<value>`, `<path|url>`, `<text>`. */
export function placeholder(f: ModelFlag): string {
  if (f.type === 'boolean') return '';
  if (f.image) return '<path|url>';
  if (f.enum || f.knownValues) return '<value>';
  // `<1-8>`; a negative bound would read as a range of flags (`<-10-10>`).
  if (f.minimum !== undefined && f.maximum !== undefined && f.minimum >= 0)
    return `<${f.minimum}-${f.maximum}>`;
  if (f.type === 'integer') return '<int>';
  if (f.type === 'number') return '<number>';
  return '<text>';
}

const LEFT = 27;
const WIDTH = 100;

/**
 * Help lines for `flags`: `  --steps <1-8>   Inference steps: an integer from 1 to 8 [default: 4]`,
 * wrapped at 100 columns under the description. A switch that defaults to true shows its `--no-`
 * form too.
 */
export function flagHelp(flags: readonly ModelFlag[]): string[] {
  const lines: string[] = [];
  for (const f of flags) {
    const left = `  ${flagSpelling(f)} ${placeholder(f)}`.trimEnd();
    const rule = flagRule(f);
    const tags = [
      ...(f.required ? ['required'] : []),
      ...(f.default !== undefined ? [`default: ${f.default}`] : []),
    ];
    const words = `${f.help}${rule ? `: ${rule}` : ''}`.split(' ');
    // The tag stays whole: `[default:` at the end of one line and `1024]` on the next reads badly.
    if (tags.length) words.push(`[${tags.join('; ')}]`);
    lines.push(...wrap(left, words, LEFT));
  }
  return lines;
}

/**
 * `left` padded to `column`, then `words` up to 100 columns a line, the next lines indented to
 * `column` (a word longer than a line gets one of its own).
 */
export function wrap(left: string, words: readonly string[], column: number): string[] {
  const lines: string[] = [];
  let line = left.length >= column - 1 ? `${left} ` : left.padEnd(column);
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(column);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}
