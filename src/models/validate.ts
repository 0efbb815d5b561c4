// The synchronous form of request-body.ts, kept for the CLI (its own bundle, where loading the checks
// up front costs nothing) until it moves to `requestBody()`. The SDK itself never imports this
// module, so its checks stay behind request-body.ts's lazy import.
import { ValidationError } from '../errors.js';
import { checkParams } from './check.js';
import { modelSpec } from './lookup.js';
import { assertParamsObject, serializeParams } from './request-body.js';

/**
 * @internal @deprecated Use `requestBody()` from `./request-body.js` (asynchronous: it loads the
 * checks on first use). Same rules, same errors, checked synchronously.
 */
export function toRequestBody(model: string, params: unknown, validate: boolean): string {
  assertParamsObject(model, params);
  const spec = validate ? modelSpec(model) : undefined;
  if (spec) {
    const issues = checkParams(spec, params);
    if (issues.length) throw new ValidationError(model, issues);
  }
  return serializeParams(model, params);
}
