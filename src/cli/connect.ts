import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SegmindClient } from '../client.js';
import { isSegmindError } from '../errors.js';
import { type ClientOptions, DEFAULT_BASE_URL } from '../options/client-options.js';
import { LOG_LEVELS, type Logger, type LogLevel } from '../util/logger.js';
import { UsageError } from './usage.js';

/** The flags that say how to reach the API. */
export interface ConnectFlags {
  'api-key-file'?: string | undefined;
  'base-url'?: string | undefined;
}

/** Where a client's settings come from besides the flags. */
export interface ConnectEnv {
  env: Readonly<Record<string, string | undefined>>;
  /** The folder `--api-key-file` is relative to. */
  cwd: string;
  /** Where the SDK's own log lines go (stderr, below any live line). */
  logger: Logger;
}

/**
 * A client from the environment and the flags. The key comes only from SEGMIND_API_KEY or the file
 * `--api-key-file` names (one line; surrounding whitespace and the final newline are dropped), and
 * no message here ever contains it. Every setting the SDK would read from `process.env` is passed
 * from `env` instead, so the bin sees one environment.
 */
export async function connect(
  flags: ConnectFlags,
  extra: ClientOptions,
  { env, cwd, logger }: ConnectEnv,
): Promise<SegmindClient> {
  let apiKey = env.SEGMIND_API_KEY;
  const file = flags['api-key-file'];
  if (file !== undefined) {
    try {
      apiKey = (await readFile(resolve(cwd, file), 'utf8')).trim();
    } catch (err) {
      throw new UsageError(`cannot read --api-key-file ${file}: ${(err as NodeJS.ErrnoException).code}`);
    }
    if (!apiKey) throw new UsageError(`--api-key-file ${file} is empty`);
  }
  if (!apiKey) {
    throw new UsageError('no API key: set SEGMIND_API_KEY, or pass --api-key-file <path>');
  }
  const envLevel = env.SEGMIND_LOG?.toLowerCase();
  try {
    return new SegmindClient({
      ...extra,
      apiKey,
      baseURL: flags['base-url'] || env.SEGMIND_BASE_URL || DEFAULT_BASE_URL,
      uploadURL: env.SEGMIND_UPLOAD_URL || undefined,
      // The CLI reports failures itself; SDK warnings would only repeat them (SEGMIND_LOG still wins).
      logLevel:
        extra.logLevel ?? (LOG_LEVELS.includes(envLevel as LogLevel) ? (envLevel as LogLevel) : 'error'),
      logger,
    });
  } catch (err) {
    // A bad key (a newline from a `.env` slip) or base URL: the SDK's message never holds the key.
    if (isSegmindError(err)) throw new UsageError(err.message);
    throw err;
  }
}
