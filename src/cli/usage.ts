import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closest } from '../util/did-you-mean.js';
import type { TextSource } from './io.js';

/** Exit codes of the bin. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A mistake in the command line or its input: exit 2, nothing was sent. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** A piece of the command line as parseArgs read it, in order (flags keep their order here). */
export type ParsedToken =
  | { kind: 'option'; name: string; value: string | undefined }
  | { kind: 'positional'; value: string }
  | { kind: 'option-terminator' };

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  'api-key-file': { type: 'string' },
  'base-url': { type: 'string' },
} as const satisfies Options;

/**
 * `parseArgs` in strict mode, its errors turned into a {@link UsageError} that names the flag and,
 * for a typo, the flag meant. `unknown` may explain a flag that is not in `options` better (a flag
 * of another model).
 */
export function parseCommand<O extends Options>(
  args: string[],
  options: O,
  unknown?: (flag: string) => string | undefined,
) {
  // A key in a flag would land in shell history and `ps` output: refused with the way to do it.
  const keyFlag = args.find((a) => /^--api-key(=|$)/.test(a));
  if (keyFlag) {
    throw new UsageError(
      '--api-key is not accepted (a key on the command line ends up in shell history and `ps`): ' +
        'set SEGMIND_API_KEY or pass --api-key-file <path>',
    );
  }
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
    return { ...parsed, tokens: parsed.tokens as ParsedToken[] };
  } catch (err) {
    const message = (err as Error).message;
    const code = (err as { code?: string }).code;
    const flag = /'(--?[^' ]+)/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
      const explained = unknown?.(flag);
      if (explained) throw new UsageError(explained);
      const guess = closest(flag.replace(/^-+/, ''), Object.keys(options));
      throw new UsageError(`unknown flag ${flag}${guess ? `; did you mean --${guess}?` : ''}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
      const name = flag.replace(/^-+/, '');
      const def = options[name];
      if (def?.type === 'boolean') throw new UsageError(`${flag} is a switch and takes no value`);
      // `--lora-strength -1.5`: parseArgs reads a value starting with a dash as a flag.
      const at = args.indexOf(flag);
      const next = at >= 0 ? args[at + 1] : undefined;
      throw new UsageError(
        next?.startsWith('-')
          ? `${flag} needs a value; for a value starting with a dash write ${flag}=${next}`
          : `${flag} needs a value`,
      );
    }
    throw new UsageError(message);
  }
}

/** Ctrl-C stopped the command: exit 130, after saying which jobs still run and how to pick them up. */
export class Interrupted extends Error {
  override name = 'Interrupted';
  /** Jobs submitted and not finished. */
  readonly running: string[];
  /** How to resume, one command per line. */
  readonly hints: string[];

  constructor(message: string, running: string[], hints: string[]) {
    super(message);
    this.running = running;
    this.hints = hints;
  }
}

/**
 * A duration flag: `90` (seconds), `500ms`, `30s`, `10m`, `1h`. Returns ms.
 */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match?.[2] ?? 's'] ?? 1000;
  const ms = match ? Number(match[1]) * unit : Number.NaN;
  if (!(ms >= 1 && ms <= 2_147_483_647)) {
    throw new UsageError(`--${flag}: must be a duration such as 90s, 10m or 500ms (at most 24 days)`);
  }
  return Math.round(ms);
}

/** A whole-number flag within a range. */
export function parseInteger(flag: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`--${flag}: must be an integer from ${min} to ${max}`);
  return n;
}

/** Everything on stdin, as text; Ctrl-C while waiting for it is {@link Interrupted}. */
export async function readStdin(stdin: TextSource, signal: AbortSignal): Promise<string> {
  const decoder = new TextDecoder();
  const iterator = stdin[Symbol.asyncIterator]();
  let text = '';
  // Ctrl-C ends the wait at once, whatever the stream does with destroy().
  let stop = () => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    stop = () => resolve('aborted');
  });
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'aborted') {
        stdin.destroy?.();
        void iterator.return?.()?.catch(() => {});
        throw new Interrupted('interrupted while reading stdin; nothing was sent', [], []);
      }
      if (next.done) break;
      text += typeof next.value === 'string' ? next.value : decoder.decode(next.value, { stream: true });
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
  return text + decoder.decode();
}
