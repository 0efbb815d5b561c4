import { isKnownModel } from '../../models/params.js';
import { connect } from '../connect.js';
import type { Context } from '../context.js';
import { modelOptions, paramsFromFlags } from '../model-params.js';
import { ensureFree, outputPath } from '../save-output.js';
import { COMMON_OPTIONS, parseCommand, parseDuration, readStdin, UsageError } from '../usage.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

/** The prompt: the positional argument, `-` or nothing for stdin (when stdin is not a terminal). */
async function promptOf(model: string, given: string | undefined, ctx: Context): Promise<string | undefined> {
  if (given !== undefined && given !== '-') return given;
  if (given === '-' || !ctx.stdin.isTTY) {
    const text = (await readStdin(ctx.stdin, ctx.signal)).trim();
    if (text) return text;
  }
  if (isKnownModel(model)) {
    throw new UsageError(`a prompt is required: segmind <command> ${model} "<prompt>", or pipe it on stdin`);
  }
  return undefined;
}

/**
 * What `run` and `sync` share: the model, its parameters from the flags and the prompt (checked),
 * the output path (free, unless --force) and a client. `undefined` for --help.
 */
export async function prepare(command: 'run' | 'sync', args: string[], ctx: Context) {
  const { values, positionals } = parseCommand(args, { ...OPTIONS, ...modelOptions() });
  if (values.help) return undefined;
  const [model, given, ...rest] = positionals;
  if (!model) throw new UsageError(`which model? segmind ${command} <model> "<prompt>" (see segmind models)`);
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (quote the prompt)`);
  const prompt = await promptOf(model, given, ctx);
  const params = paramsFromFlags(model, values, prompt);
  const timeout = values.timeout === undefined ? undefined : parseDuration('timeout', values.timeout);
  const force = values.force === true;
  const output = values.output;
  // Checked before anything is sent: a taken file name must not cost a credit.
  if (output !== undefined && outputPath(output, 'x') === output) ensureFree(output, force);
  const client = await connect(values);
  return { model, params, timeout, force, output, client };
}
