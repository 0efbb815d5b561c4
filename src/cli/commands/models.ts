import type * as Zod from 'zod';
import { schemaFor } from '../../models/params.js';
import { closest } from '../../util/did-you-mean.js';
import { lazyModule } from '../../util/lazy.js';
import type { Context } from '../context.js';
import { commandHelp } from '../help.js';
import { flagHelp, modelFlags, PARAM_DOCS, TYPED_MODELS, typedModel } from '../model-flags.js';
import { parseCommand, UsageError } from '../usage.js';

const zod = lazyModule<typeof Zod>('zod');

const ABOUT: Record<string, string> = {
  'fast-flux-schnell': 'Flux Schnell, faster; picks the size by aspect ratio (v1 and v2)',
  'flux-schnell': 'Flux Schnell; exact width and height, samplers and schedulers (v1 and v2)',
};

/** `segmind models [model]`: the typed models and their parameters. Needs no key. */
export async function models(args: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
  });
  if (values.help) return ctx.help(commandHelp('models'));
  const [name, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  const { term } = ctx;
  let list = TYPED_MODELS;
  if (name !== undefined) {
    const model = typedModel(name);
    if (!model) {
      const guess = closest(name, TYPED_MODELS);
      throw new UsageError(
        `${name} is not a typed model${guess ? `; did you mean ${guess}?` : ''} (typed: ${TYPED_MODELS.join(', ')}). ` +
          'Any other Segmind model runs untyped: segmind run <model> --param key=value',
      );
    }
    list = [model];
  }
  for (const model of list) {
    const defaults = Object.fromEntries(
      Object.entries(PARAM_DOCS[model] ?? {}).flatMap(([k, d]) =>
        d.default === undefined ? [] : [[k, d.default]],
      ),
    );
    term.emit({
      model,
      description: ABOUT[model],
      flags: modelFlags(model),
      schema: zod().toJSONSchema(schemaFor(model), { io: 'input' }),
      defaults,
    });
    if (name === undefined) {
      const flags = modelFlags(model)
        .map((f) => `--${f.flag}`)
        .join(' ');
      term.say(
        `${term.paint('bold', model.padEnd(18))} ${ABOUT[model]}\n${' '.repeat(19)}${term.paint('dim', flags)}`,
      );
    } else {
      term.say(`${term.paint('bold', model)}: ${ABOUT[model]}\n\nsegmind run ${model} "<prompt>" [flags]\n`);
      term.say(flagHelp(model).join('\n'));
    }
  }
  if (name === undefined)
    term.say(`\nsegmind models <model> shows a model's parameters with their ranges and defaults.`);
  return 0;
}
