// A parameter's rules in words, in one place: validation messages ("must be " + the rule), CLI
// help, `segmind models` and the generated TSDoc all read them from here.
import type { ParamRules } from './registry/types.js';

/** @internal The type and range of a value: `an integer from 1 to 8`, `a number ≥ 0`, `a string`. */
export function valueRule(p: ParamRules): string {
  switch (p.type) {
    case 'integer':
    case 'number': {
      const kind = p.type === 'integer' ? 'an integer' : 'a number';
      if (p.min !== undefined && p.max !== undefined) return `${kind} from ${p.min} to ${p.max}`;
      if (p.min !== undefined) return `${kind} ≥ ${p.min}`;
      if (p.max !== undefined) return `${kind} ≤ ${p.max}`;
      return kind;
    }
    case 'boolean':
      return 'true or false';
    case 'image':
      return 'an http(s) URL or image bytes (Uint8Array, ArrayBuffer, Blob)';
    case 'image[]':
      return 'a list of images, each an http(s) URL or image bytes (Uint8Array, ArrayBuffer, Blob)';
    case 'number | string':
      return 'a number or a string';
    case 'string':
      return 'a string';
  }
}

/** @internal `a multiple of 8`, or undefined. */
export function multipleRule(p: ParamRules): string | undefined {
  return p.multipleOf === undefined ? undefined : `a multiple of ${p.multipleOf}`;
}

/**
 * @internal The allowed values in words: a complete list (`one of the 3 output formats: webp, jpg,
 * png`) or the known ones of an open list; undefined without a list.
 */
export function valuesRule(p: ParamRules, name: string): string | undefined {
  if (!p.values?.length) return undefined;
  if (p.valuesComplete) return `one of the ${p.values.length} ${plural(name)}: ${p.values.join(', ')}`;
  return `known values: ${p.values.join(', ')} (other strings are sent as given)`;
}

/**
 * @internal The whole rule of a parameter in words, as help and docs show it:
 * `an integer from 512 to 2048, a multiple of 8`, `one of the 9 aspect ratios: 1:1, …`.
 */
export function ruleText(p: ParamRules, name: string): string {
  if (p.values?.length && p.type === 'string') return valuesRule(p, name)!;
  return [valueRule(p), multipleRule(p)].filter(Boolean).join(', ');
}

// `aspect_ratio` → `aspect ratios`, `output_format` → `output formats`.
function plural(name: string): string {
  const words = name.replaceAll('_', ' ');
  return words.endsWith('s') ? words : `${words}s`;
}
