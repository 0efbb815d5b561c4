import { isKnownModel } from '../../models/params.js';
import type { Context } from '../context.js';
import { commandLineSettings, modelOptions, paramsFromFlags, type Setting } from '../model-params.js';
import { planOutput } from '../output-path.js';
import { COMMON_OPTIONS, parseCommand, parseDuration, readStdin, UsageError } from '../usage.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

/**
 * The prompt: the positional argument, or stdin when it is `-` or left out (and stdin is not a
 * terminal, and `--param prompt` did not give it).
 */
async function promptOf(
  model: string,
  given: string | undefined,
  settings: readonly Setting[],
  ctx: Context,
): Promise<string | undefined> {
  if (given !== undefined && given !== '-') return given;
  const byParam = settings.some((s) => s.key === 'prompt');
  if (given === '-' || (!ctx.stdin.isTTY && !byParam)) {
    const text = (await readStdin(ctx.stdin, ctx.signal)).trim();
    if (text) return text;
  }
  if (isKnownModel(model) && !byParam) {
    throw new UsageError(`a prompt is required: segmind <command> ${model} "<prompt>", or pipe it on stdin`);
  }
  return undefined;
}

/**
 * What `run` and `sync` share: the model, its parameters from the flags and the prompt (checked),
 * the output (checked: free, unless --force, and writable) and a client. `undefined` for --help.
 * Everything that can refuse does so here, before anything is sent.
 */
export async function prepare(command: 'run' | 'sync', args: string[], ctx: Context) {
  const { values, positionals, tokens } = parseCommand(args, { ...OPTIONS, ...modelOptions() });
  if (values.help) return undefined;
  const [model, given, ...rest] = positionals;
  if (!model) throw new UsageError(`which model? segmind ${command} <model> "<prompt>" (see segmind models)`);
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (quote the prompt)`);
  const settings = commandLineSettings(model, tokens);
  const timeout = values.timeout === undefined ? undefined : parseDuration('timeout', values.timeout);
  const force = values.force === true;
  const output = planOutput(values.output, ctx.cwd, force);
  const prompt = await promptOf(model, given, settings, ctx);
  const params = paramsFromFlags(model, settings, prompt);
  const client = await ctx.connect(values);
  return { model, params, timeout, output, write: ctx.writeOptions(force), client, resume: values.output };
}
