// The smallest valid parameters of a model, from its entry: every required parameter (and prompt)
// with its default, example or a plain value of its type. The generated TSDoc's @example and the
// table-driven tests use them, so an example that stopped passing validation would fail a test.
import type { ModelSpec, ParamSpec, ParamValue } from '../registry/types.js';

/** @internal A URL a sample image parameter gets. */
export const SAMPLE_IMAGE_URL = 'https://example.com/photo.jpg';

function sampleValue(name: string, p: ParamSpec): ParamValue {
  if (p.default !== undefined && !(Array.isArray(p.default) && p.default.length === 0)) return p.default;
  if (p.example !== undefined) return p.example;
  switch (p.type) {
    case 'image':
      return SAMPLE_IMAGE_URL;
    case 'image[]':
      return [SAMPLE_IMAGE_URL];
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
    case 'number | string':
      return p.min ?? 1;
    case 'string':
      if (p.values?.[0] !== undefined) return p.values[0];
      return name === 'prompt' ? 'a lighthouse at dusk' : `your-${name.replaceAll('_', '-')}`;
  }
}

/**
 * @internal Valid parameters for `spec`: its required ones, plus `prompt` and its image inputs
 * (what the model is for) when it has them.
 */
export function sampleParams(spec: ModelSpec): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const [name, p] of Object.entries(spec.params)) {
    if (p.required || name === 'prompt' || p.type === 'image' || p.type === 'image[]') {
      params[name] = sampleValue(name, p);
    }
  }
  return params;
}
