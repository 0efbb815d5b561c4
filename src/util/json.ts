/** A parsed JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Parses JSON text, or returns `undefined` when it is not JSON. Every answer the SDK reads (v1,
 * submit, status, result, error bodies) goes through this one helper.
 */
export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The string value of `key` in JSON text that may be cut short (a body read up to a cap), decoded,
 * at most 500 characters; `undefined` when the text holds no such string.
 */
export function stringFieldOf(text: string, key: string): string | undefined {
  const match = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.){0,2000})`).exec(text);
  if (!match) return undefined;
  // Drop a trailing lone backslash (an escape cut in half), then decode the escapes JSON defines.
  const raw = match[1]!.replace(/\\$/, '');
  const decoded = parseJson(`"${raw}"`);
  return (typeof decoded === 'string' ? decoded : raw).slice(0, 500) || undefined;
}
