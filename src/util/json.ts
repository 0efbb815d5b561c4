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
