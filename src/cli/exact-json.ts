// Values typed on the command line or written in a batch line, read so that what is sent is what was
// written. JSON.parse and Number() round silently (9007199254740993 becomes …992, 1e400 becomes
// Infinity, which JSON.stringify then sends as null): a seed that is not the seed asked for costs a
// credit for the wrong image. Node 20 has no JSON.parse source access, so the number literals are
// checked here against their parsed values.
import { UsageError } from './usage.js';

/** Keys that would reach an object's prototype, or shadow it, when copied into parameters. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// A JSON number literal, anchored where the scan stands.
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A decimal number as a person types it after a flag: `4`, `-2`, `0.5`, `.5`, `1e3`, `+7`.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The rule a number broke; the caller names the flag or line. */
function imprecision(literal: string): string | undefined {
  const value = Number(literal);
  if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    return `${literal} is too large to send exactly (numbers must be within ±${Number.MAX_SAFE_INTEGER}, 2^53 - 1); pass a smaller number`;
  }
  const digits = literal.split(/[eE]/)[0]!;
  if (value === 0 && /[1-9]/.test(digits))
    return `${literal} is too small to send exactly (it would become 0)`;
  return undefined;
}

/** Refuses a key that is not a plain parameter name. */
export function checkKey(key: string, label: string): void {
  if (RESERVED_KEYS.has(key)) {
    throw new UsageError(
      `${label}: ${JSON.stringify(key)} is not accepted as a parameter name (__proto__, constructor and prototype are reserved)`,
    );
  }
}

/**
 * A number typed after a flag, exactly: `undefined` when the text is not a decimal number (the
 * model's rule then refuses it in its own words); a {@link UsageError} naming `label` when it is one
 * that a double cannot hold (beyond ±2^53 - 1, or so small it would become 0).
 */
export function parseDecimal(text: string, label: string): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const problem = imprecision(trimmed.replace(/^\+/, ''));
  if (problem) throw new UsageError(`${label}: ${problem}`);
  return Number(trimmed);
}

/** What {@link parseJsonExact} found: a value, or text that is not JSON (with the parser's reason). */
export type JsonReading = { json: true; value: unknown } | { json: false; reason: string };

/**
 * JSON text parsed exactly. Text that is not JSON is `{ json: false }` (the caller decides whether
 * that is a string or a mistake); JSON holding a number a double cannot hold exactly, or a reserved
 * key at any depth (`__proto__`, `constructor`, `prototype`), is a {@link UsageError} naming `label`.
 */
export function parseJsonExact(text: string, label: string): JsonReading {
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      checkKey(key, label);
      return v;
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    return { json: false, reason: (err as Error).message };
  }
  for (const literal of numberLiterals(text)) {
    const problem = imprecision(literal);
    if (problem) throw new UsageError(`${label}: ${problem}`);
  }
  return { json: true, value };
}

/** The number literals of valid JSON text, in order (strings skipped, escapes included). */
function* numberLiterals(text: string): Generator<string> {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1;
      i++;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      const literal = NUMBER.exec(text)?.[0] ?? text[i]!;
      yield literal;
      i += literal.length;
    } else {
      i++;
    }
  }
}
