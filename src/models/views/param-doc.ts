// A parameter as people read it: what it does, its rule in words, its default, what the evidence
// leaves open. The generated TSDoc, `segmind models <slug>` and the CLI's help all use this.
import type { ModelSpec, ParamSpec, ParamValue } from '../registry/types.js';
import { ruleText } from '../rules.js';

/** @internal One parameter, described for people. */
export interface ParamDoc {
  /** The parameter's name, `aspect_ratio`. */
  readonly name: string;
  /** What it does, one line. */
  readonly description: string;
  /** The rule in words (`an integer from 1 to 8, a multiple of 8`); undefined for a plain string. */
  readonly rule: string | undefined;
  /** The page marks it required. */
  readonly required: boolean;
  /** The server's default, as text (`4`, `euler`, `[]`). */
  readonly default: string | undefined;
  /** A value from the page's code sample, where no default is shown. */
  readonly example: string | undefined;
  /** Seen only in the page's code sample: typed from its value, nothing else checked. */
  readonly exampleOnly: boolean;
  /** What the captures leave open or contradict (the SDK enforces neither side). */
  readonly caveat: string | undefined;
  /** `single` or `array` for an image parameter. */
  readonly image: 'single' | 'array' | undefined;
}

/** @internal A value as text: `euler`, `4`, `true`, `[]`, `[a, b]`. */
export function valueText(value: ParamValue): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

/** @internal One parameter of `spec`, described. */
export function paramDoc(name: string, p: ParamSpec): ParamDoc {
  return {
    name,
    description: p.description,
    rule: p.type === 'string' && !p.values?.length ? undefined : ruleText(p, name),
    required: p.required === true,
    default: p.default === undefined ? undefined : valueText(p.default),
    example: p.example === undefined ? undefined : valueText(p.example),
    exampleOnly: p.seenIn === 'example',
    caveat: p.caveat,
    image: p.type === 'image' ? 'single' : p.type === 'image[]' ? 'array' : undefined,
  };
}

/** @internal Every parameter of `spec`, described, in the registry's order. */
export function paramDocs(spec: ModelSpec): ParamDoc[] {
  return Object.entries(spec.params).map(([name, p]) => paramDoc(name, p));
}

/** @internal `v1 and v2`, `v2 only`. */
export function endpointsText(spec: ModelSpec): string {
  return spec.endpoints.length === 2 ? 'v1 and v2' : `${spec.endpoints[0]} only`;
}

/** @internal How unknown keys fare for `spec`, in words. */
export function strictnessText(spec: ModelSpec): string {
  return spec.strict
    ? 'Complete parameter table: a key not listed is refused, with a suggestion.'
    : 'Known in part: other keys are sent as given, but a near miss of a known name (input_imge) is refused.';
}

/**
 * @internal One line per parameter for `segmind models <slug>`:
 * `steps  Inference steps: an integer from 1 to 8 [default: 4]`.
 */
export function paramLine(doc: ParamDoc): string {
  const parts = [doc.description.replace(/\.$/, '')];
  if (doc.rule) parts[0] += `: ${doc.rule}`;
  const tags: string[] = [];
  if (doc.required) tags.push('required');
  if (doc.default !== undefined) tags.push(`default: ${doc.default}`);
  else if (doc.example !== undefined) tags.push(`example: ${doc.example}`);
  if (doc.exampleOnly) tags.push('seen only in the page example');
  return `${parts.join('')}${tags.length ? ` [${tags.join('; ')}]` : ''}`;
}
