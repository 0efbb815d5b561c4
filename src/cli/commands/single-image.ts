import { modelSpec } from '../../models/lookup.js';
import type { Context } from '../context.js';
import { endpointNote } from '../endpoint-note.js';
import { commandLineSettings, paramReader, parseModelCommand, type Setting } from '../model-params.js';
import { planOutput } from '../output-path.js';
import { COMMON_OPTIONS, parseDuration, readStdin, UsageError } from '../usage.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

/**
 * The prompt: the positional argument, or stdin when it is `-` or left out (and stdin is not a
 * terminal, `--param prompt` did not give it, and the model takes a prompt: a registry model
 * without one, such as flux-redux-dev, reads stdin only for `-`). Required when the registry says so.
 */
async function promptOf(
  command: string,
  model: string,
  given: string | undefined,
  settings: readonly Setting[],
  ctx: Context,
): Promise<string | undefined> {
  if (given !== undefined && given !== '-') return given;
  const spec = modelSpec(model);
  const byParam = settings.some((s) => s.key === 'prompt');
  const takesPrompt = !spec || Object.hasOwn(spec.params, 'prompt');
  if (given === '-' || (!ctx.stdin.isTTY && !byParam && takesPrompt)) {
    const text = (await readStdin(ctx.stdin, ctx.signal)).trim();
    if (text) return text;
  }
  if (spec?.params.prompt?.required && !byParam) {
    throw new UsageError(`a prompt is required: segmind ${command} ${model} "<prompt>", or pipe it on stdin`);
  }
  return undefined;
}

/**
 * What `run` and `sync` share: the model, its parameters from the flags and the prompt (checked),
 * the output (checked: free, unless --force, and writable), image paths (checked: readable files)
 * and a client; for --help, only `help` (the model named, if any). Everything that can refuse does
 * so here, before anything is sent.
 */
export async function prepare(command: 'run' | 'sync', args: string[], ctx: Context) {
  const { values, positionals, tokens, model, flags } = parseModelCommand(args, OPTIONS);
  if (values.help) return { kind: 'help' as const, model };
  const [, given, ...rest] = positionals;
  if (!model) throw new UsageError(`which model? segmind ${command} <model> "<prompt>" (see segmind models)`);
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (quote the prompt)`);
  const settings = commandLineSettings(flags, tokens);
  const timeout = values.timeout === undefined ? undefined : parseDuration('timeout', values.timeout);
  const force = values.force === true;
  const output = planOutput(values.output, ctx.cwd, force);
  const reader = await paramReader(model, settings, ctx.cwd);
  const prompt = await promptOf(command, model, given, settings, ctx);
  const params = await reader.read({ prompt });
  const note = endpointNote(model, command === 'run' ? 'v2' : 'v1');
  if (note) ctx.warn(note, { model });
  const client = await ctx.connect(values);
  return {
    kind: 'ready' as const,
    model,
    params,
    timeout,
    output,
    write: ctx.writeOptions(force),
    client,
    resume: values.output,
  };
}
