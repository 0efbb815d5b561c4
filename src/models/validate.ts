import type { z } from 'zod';
import { isRecord, ValidationError, type ValidationIssue } from '../errors.js';
import { closest } from '../util/did-you-mean.js';
import { isKnownModel, schemaFor } from './params.js';

/**
 * Checks `params` for `model` and returns the JSON body to send: exactly what the caller gave, so
 * the server applies its own defaults. Throws {@link ValidationError} listing every broken rule.
 * With `validate` off (or for a model the SDK does not know) only "a JSON object" is required.
 */
export function toRequestBody(model: string, params: unknown, validate: boolean): string {
  if (!isPlainObject(params)) {
    throw new ValidationError(model, [{ path: '', message: 'parameters must be a JSON object' }]);
  }
  if (validate && isKnownModel(model)) {
    const schema = schemaFor(model);
    // The fast path parses without reportInput (three times slower); a failure is parsed again with it.
    if (!schema.safeParse(params).success) {
      const parsed = schema.safeParse(params, { reportInput: true });
      if (!parsed.success)
        throw new ValidationError(model, toIssues(parsed.error, Object.keys(schema.shape)));
    }
  }
  try {
    return JSON.stringify(params);
  } catch (err) {
    throw new ValidationError(model, [
      { path: '', message: `parameters must be JSON-serializable (${(err as Error).message})` },
    ]);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function toIssues(error: z.ZodError, known: string[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const guess = closest(key, known);
        issues.push({
          path: [...issue.path, key].join('.'),
          message: `unknown parameter${guess ? `; did you mean ${guess}?` : ''} (known: ${known.join(', ')})`,
        });
      }
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      issues.push({ path: issue.path.join('.'), message: 'is required' });
    } else {
      issues.push({ path: issue.path.join('.'), message: issue.message });
    }
  }
  return mergeByPath(issues);
}

// One issue per field: 511 is both out of range and not a multiple of 8, said in one sentence.
function mergeByPath(issues: ValidationIssue[]): ValidationIssue[] {
  const byPath = new Map<string, string[]>();
  for (const { path, message } of issues) {
    const messages = byPath.get(path) ?? [];
    if (!messages.includes(message)) messages.push(message);
    byPath.set(path, messages);
  }
  return [...byPath].map(([path, messages]) => ({ path, message: messages.join(' and ') }));
}
