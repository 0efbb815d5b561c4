// Valid params skip zod through quickAccept() (src/models/compile.ts): a plain test compiled from the
// same rule, which may only say yes. These properties hold it to that for every registry parameter,
// and show the shortcut is really taken for the values users send.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkParams } from '../../src/models/check.js';
import { NATIVE, paramSchema, quickAccept } from '../../src/models/compile.js';
import { MODEL_RULES, PATTERN_RULES } from '../../src/models/generated/rules.js';
import { MODEL_PATTERNS, MODELS } from '../../src/models/registry/index.js';
import type { ParamRules } from '../../src/models/registry/types.js';

const entries = [
  ...Object.entries(MODEL_RULES).map(([slug, rules]) => ({ slug, rules })),
  ...PATTERN_RULES.map((rules, i) => ({ slug: MODEL_PATTERNS[i]!.slug, rules })),
];
const params = entries.flatMap(({ slug, rules }) =>
  Object.entries(rules.params).map(([name, rule]) => ({ label: `${slug}.${name}`, name, rule })),
);

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/** Values near each rule's edges, beside anything at all. */
function valuesFor(rule: ParamRules): fc.Arbitrary<unknown> {
  const edges = [rule.min, rule.max, rule.multipleOf, 0, 2 ** 53, -(2 ** 53)].filter(
    (n): n is number => n !== undefined,
  );
  return fc.oneof(
    fc.anything(),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.constantFrom(...edges).chain((n) => fc.constantFrom(n, n - 1, n + 1, n + 0.5, -n, n * 8)),
    fc.constantFrom('', ' ', ...(rule.values ?? []), ...(rule.values ?? []).map((v) => v.toUpperCase())),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, null, true, '1', [], {}),
    // Lists of images, good and bad, holes included.
    fc.array(fc.constantFrom<unknown>('https://a.b/c.png', 'ftp://a/b', 'x', undefined, null, PNG, 3)),
    // A list with a hole (as `new Array(2)` has), and one with `undefined` in it.
    fc.constantFrom<unknown>(Object.assign(new Array(2), { 1: 'https://a.b/c.png' }), [undefined]),
  );
}

describe('quickAccept: the shortcut for valid params', () => {
  it.each(params)('never accepts what zod refuses: $label', ({ name, rule }) => {
    const quick = quickAccept(rule);
    if (!quick) return;
    const schema = paramSchema(rule, name);
    fc.assert(
      fc.property(valuesFor(rule), (value) => {
        if (value !== undefined && quick(value)) expect(schema.safeParse(value).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it.each(
    params.filter(
      ({ rule }) =>
        rule.type === 'integer' ||
        rule.type === 'image[]' ||
        (rule.type === 'string' && (rule.required || rule.valuesComplete)),
    ),
  )(
    'words every value as the exported schemas’ int(), minLength(), enum() and array() do: $label',
    ({ name, rule }) => {
      const checks = paramSchema(rule, name);
      const exported = paramSchema(rule, name, NATIVE);
      const words = (schema: typeof checks, value: unknown) => {
        const parsed = schema.safeParse(value);
        return parsed.success ? [] : [...new Set(parsed.error.issues.map((i) => i.message))];
      };
      fc.assert(
        fc.property(valuesFor(rule), (value) => {
          expect(words(checks, value)).toEqual(words(exported, value));
        }),
        { numRuns: 300 },
      );
    },
  );

  it('is taken for every value a registry page shows (default or example), images aside', () => {
    const refused: string[] = [];
    for (const { slug, rules } of entries) {
      const spec = slug in MODELS ? MODELS[slug as keyof typeof MODELS] : MODEL_PATTERNS[0]!;
      for (const [name, p] of Object.entries(spec.params)) {
        const quick = quickAccept(rules.params[name]!);
        for (const value of [p.default, p.example]) {
          if (value === undefined || p.type === 'image' || p.type === 'image[]') continue;
          if (!quick?.(value)) refused.push(`${slug}.${name} = ${JSON.stringify(value)}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });

  it('leaves the wording to zod: invalid params get the same issues as without it', () => {
    const rules = MODEL_RULES['flux-schnell'];
    expect(checkParams(rules, { prompt: '', width: 1020, scheduler: 'KARRAS', base64: 1 })).toEqual([
      { path: 'prompt', message: 'must not be empty' },
      { path: 'scheduler', message: expect.stringMatching(/^must be one of the 6 schedulers: normal/) },
      { path: 'width', message: 'must be a multiple of 8' },
      { path: 'base64', message: 'must be true or false' },
    ]);
  });
});
