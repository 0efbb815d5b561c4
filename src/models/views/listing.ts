// The family as `segmind models` shows it: grouped by what each model is for, and per model the
// rule of every parameter.
import { imageParams, modelSpec } from '../lookup.js';
import { MODEL_PATTERNS, MODELS } from '../registry/index.js';
import type { Endpoint, ModelGroup, ModelSpec } from '../registry/types.js';
import { endpointsText, paramDocs, paramLine, strictnessText } from './param-doc.js';

/** @internal The groups, in the order they are listed, with their headings. */
export const MODEL_GROUPS: readonly { readonly group: ModelGroup; readonly title: string }[] = [
  { group: 'text-to-image', title: 'Text to image' },
  { group: 'editing', title: 'Editing' },
  { group: 'conditioning', title: 'Conditioning (steered by an image)' },
  { group: 'upscaling', title: 'Upscaling' },
];

/** @internal One model in a listing. */
export interface ListedModel {
  /** The slug (`<uuid>-<name>` for users' LoRA endpoints). */
  readonly slug: string;
  /** Segmind's name for it. */
  readonly title: string;
  /** What it is for. */
  readonly description: string;
  /** The endpoints its page shows. */
  readonly endpoints: readonly Endpoint[];
  /** Its image parameters, `image_urls[]` for a list. */
  readonly images: readonly string[];
}

/** @internal A group of the listing. */
export interface ModelGroupListing {
  /** The group's key. */
  readonly group: ModelGroup;
  /** The group's heading. */
  readonly title: string;
  /** Its models, in registry order. */
  readonly models: readonly ListedModel[];
}

function listed(spec: ModelSpec): ListedModel {
  return {
    slug: spec.slug,
    title: spec.title,
    description: spec.description,
    endpoints: spec.endpoints,
    images: imageParams(spec).map((i) => (i.array ? `${i.name}[]` : i.name)),
  };
}

/** @internal Every registry model (and pattern entry), grouped; empty groups are left out. */
export function modelListing(): ModelGroupListing[] {
  const all = [...Object.values(MODELS), ...MODEL_PATTERNS];
  return MODEL_GROUPS.map(({ group, title }) => ({
    group,
    title,
    models: all.filter((spec) => spec.group === group).map(listed),
  })).filter((g) => g.models.length > 0);
}

/** @internal The listing as text, one model per line under each group's heading. */
export function formatModelList(): string {
  const lines: string[] = [];
  for (const { title, models } of modelListing()) {
    if (lines.length) lines.push('');
    lines.push(`${title}:`);
    const width = Math.max(...models.map((m) => m.slug.length));
    for (const m of models) {
      const images = m.images.length ? ` [images: ${m.images.join(', ')}]` : '';
      lines.push(`  ${m.slug.padEnd(width)}  ${m.description}${images}`);
    }
  }
  return lines.join('\n');
}

/**
 * @internal What `segmind models <slug>` shows: the model, its endpoints, how unknown keys fare,
 * and one line per parameter with its rule and default. Undefined for a model outside the registry.
 */
export function modelRules(model: string): string[] | undefined {
  const spec = modelSpec(model);
  if (!spec) return undefined;
  const docs = paramDocs(spec);
  const width = Math.max(...docs.map((d) => d.name.length));
  const lines = [
    `${spec.slug}: ${spec.title}. ${spec.description}`,
    `Endpoints: ${endpointsText(spec)}.${spec.endpointsNote ? ` ${spec.endpointsNote}` : ''}`,
    strictnessText(spec),
    '',
  ];
  for (const doc of docs) {
    lines.push(`  ${doc.name.padEnd(width)}  ${paramLine(doc)}`);
    if (doc.caveat) lines.push(`  ${' '.repeat(width)}  note: ${doc.caveat}`);
  }
  return lines;
}
