/** The longest job id `client.job()` accepts; Segmind's ids are UUIDs (36 characters). */
export const MAX_JOB_ID_LENGTH = 256;

/**
 * Why `id` cannot be a job id, or `undefined` when it can. An id becomes a path segment of a
 * request that carries the key, so anything that could step out of `/v2/requests/` is refused:
 * `.` and `..` (dot segments), `/`, `\` and `?`/`#` (path, query, fragment), spaces, control and
 * non-ASCII characters (not visible ASCII), and absurd lengths.
 */
export function jobIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return `must be a string, got ${id === null ? 'null' : typeof id}`;
  if (id === '') return 'must not be empty';
  if (id.length > MAX_JOB_ID_LENGTH)
    return `must be at most ${MAX_JOB_ID_LENGTH} characters, got ${id.length}`;
  if (!/^[\x21-\x7e]+$/.test(id)) return 'must be visible ASCII (no spaces, control or non-ASCII characters)';
  if (/[/\\?#]/.test(id)) return 'must not contain /, \\, ? or #';
  if (id === '.' || id === '..') return `must not be ${JSON.stringify(id)}`;
  return undefined;
}
