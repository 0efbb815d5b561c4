import { MODEL_SLUGS, modelSpec } from '../../models/lookup.js';
import type { ModelSpec } from '../../models/registry/types.js';
import { modelListing } from '../../models/views/listing.js';
import { endpointsText, paramDocs, paramLine, strictnessText } from '../../models/views/param-doc.js';
import { closest } from '../../util/did-you-mean.js';
import type { Context } from '../context.js';
import { commandHelp } from '../help.js';
import { cliFlags, flagRule, flagSpelling, placeholder, wrap } from '../model-flags.js';
import { parseCommand, UsageError } from '../usage.js';

/** `segmind models [model]`: the registry's models by group, or one model's parameters. Needs no key. */
export async function models(args: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
  });
  if (values.help) return ctx.help(commandHelp('models'));
  const [name, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  if (name === undefined) return list(ctx);
  const spec = modelSpec(name);
  if (!spec) {
    const guess = closest(name, MODEL_SLUGS);
    throw new UsageError(
      `${name} is not in the SDK's registry${guess ? `; did you mean ${guess}?` : ''} ('segmind models' lists them). ` +
        'Any other Segmind model runs unchecked: segmind run <model> --param key=value',
    );
  }
  return describe(name, spec, ctx);
}

/** The family by group: slug, endpoints, what it is for, which parameters take images. */
function list({ term }: Context): number {
  const groups = modelListing();
  const width = Math.max(...groups.flatMap((g) => g.models.map((m) => m.slug.length)));
  const blocks: string[] = [];
  for (const { group, title, models } of groups) {
    const lines = [term.paint('bold', `${title}:`)];
    for (const m of models) {
      term.emit({
        model: m.slug,
        title: m.title,
        group,
        description: m.description,
        endpoints: m.endpoints,
        images: m.images,
      });
      const endpoints = m.endpoints.join(' ').padEnd(5);
      const images = m.images.length ? term.paint('dim', ` [images: ${m.images.join(', ')}]`) : '';
      lines.push(`  ${term.paint('bold', m.slug.padEnd(width))}  ${endpoints}  ${m.description}${images}`);
    }
    blocks.push(lines.join('\n'));
  }
  term.say(blocks.join('\n\n'));
  term.say(
    `\nv1: segmind sync (one call, answered with the image); v2: segmind run (a job, polled).` +
      `\nsegmind models <model> shows a model's parameters, their rules and defaults.` +
      `\nAny other Segmind model runs unchecked: segmind run <model> --param key=value`,
  );
  return 0;
}

/**
 * One model: what it is, its endpoints, how unknown keys fare, then each parameter with its flag,
 * rule, default, whether it takes an image, and what the captures leave open.
 */
function describe(name: string, spec: ModelSpec, { term }: Context): number {
  const flags = new Map(cliFlags(name).map((f) => [f.param, f]));
  // The flags as the command line reads them: an image's rule is a path or a URL, not bytes.
  const cli = [...flags.values()].map((f) => ({ ...f, rule: flagRule(f) || f.rule }));
  term.emit({ model: name, ...spec, flags: cli });
  const lines = [
    `${term.paint('bold', name)}: ${spec.title}. ${spec.description}`,
    `Group: ${spec.group}. Endpoints: ${endpointsText(spec)}.${spec.endpointsNote ? ` ${spec.endpointsNote}` : ''}`,
    spec.strict
      ? `${strictnessText(spec)}`
      : `${strictnessText(spec)} Pass other keys with --param key=value.`,
    '',
    `segmind ${spec.endpoints.includes('v2') ? 'run' : 'sync'} ${name}${spec.params.prompt ? ' "<prompt>"' : ''} [flags]`,
    '',
  ];
  for (const doc of paramDocs(spec)) {
    const f = flags.get(doc.name);
    const how =
      doc.name === 'prompt'
        ? '(the prompt argument)'
        : f
          ? `${flagSpelling(f)} ${placeholder(f)}`.trimEnd()
          : `--param ${doc.name}=…`;
    const image = doc.image === 'array' ? '  (images, in order)' : doc.image ? '  (an image)' : '';
    lines.push(`  ${term.paint('bold', doc.name)}  ${how}${image}`);
    const rule = f ? flagRule(f) || doc.rule : doc.rule;
    lines.push(...wrap('', paramLine({ ...doc, rule }).split(' '), 6));
    if (doc.caveat) lines.push(...wrap('', `note: ${doc.caveat}`.split(' '), 6));
  }
  if (Object.values(spec.params).some((p) => p.type === 'image' || p.type === 'image[]')) {
    lines.push(
      '',
      'An image is a file path (uploaded to Segmind storage first) or an http(s) URL (sent as is).',
    );
  }
  term.say(lines.join('\n'));
  return 0;
}
