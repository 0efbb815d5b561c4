import { readFile } from 'node:fs/promises';
import { SegmindClient } from '../client.js';
import { isSegmindError } from '../errors.js';
import type { ClientOptions } from '../options/client-options.js';
import { UsageError } from './usage.js';

/** The flags that say how to reach the API. */
export interface ConnectFlags {
  'api-key-file'?: string | undefined;
  'base-url'?: string | undefined;
}

/**
 * A client from the environment and the flags. The key comes only from SEGMIND_API_KEY or the file
 * `--api-key-file` names (one line; surrounding whitespace and the final newline are dropped), and
 * no message here ever contains it.
 */
export async function connect(
  flags: ConnectFlags,
  extra: ClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<SegmindClient> {
  let apiKey = env.SEGMIND_API_KEY;
  const file = flags['api-key-file'];
  if (file !== undefined) {
    try {
      apiKey = (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new UsageError(`cannot read --api-key-file ${file}: ${(err as NodeJS.ErrnoException).code}`);
    }
    if (!apiKey) throw new UsageError(`--api-key-file ${file} is empty`);
  }
  if (!apiKey) {
    throw new UsageError('no API key: set SEGMIND_API_KEY, or pass --api-key-file <path>');
  }
  try {
    return new SegmindClient({
      ...extra,
      apiKey,
      baseURL: flags['base-url'] || env.SEGMIND_BASE_URL || undefined,
      // The CLI reports failures itself; SDK warnings would only repeat them (SEGMIND_LOG still wins).
      logLevel: extra.logLevel ?? (env.SEGMIND_LOG ? undefined : 'error'),
    });
  } catch (err) {
    // A bad key (a newline from a `.env` slip) or base URL: the SDK's message never holds the key.
    if (isSegmindError(err)) throw new UsageError(err.message);
    throw err;
  }
}
