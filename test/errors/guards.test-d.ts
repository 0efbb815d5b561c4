import { describe, expectTypeOf, it } from 'vitest';
import {
  type APIError,
  isSegmindError,
  type RateLimitError,
  type ResponseHeaders,
  type SegmindError,
  type UnprocessableEntityError,
} from '../../src/index.js';

describe('isSegmindError narrows by class name', () => {
  it('narrows to the named class', () => {
    const err: unknown = undefined;
    if (isSegmindError(err, 'RateLimitError')) {
      expectTypeOf(err).toEqualTypeOf<RateLimitError>();
      expectTypeOf(err.retryAfter).toEqualTypeOf<number | undefined>();
    }
    if (isSegmindError(err, 'UnprocessableEntityError')) expectTypeOf(err).toMatchTypeOf<APIError>();
    if (isSegmindError(err)) expectTypeOf(err).toEqualTypeOf<SegmindError>();
  });

  it('refuses names that are not error classes', () => {
    // @ts-expect-error not a class of this SDK
    isSegmindError(new Error('x'), 'TypeError');
  });

  it('ResponseHeaders is a plain record of strings', () => {
    expectTypeOf<ResponseHeaders>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<UnprocessableEntityError['headers']>().toEqualTypeOf<ResponseHeaders>();
  });
});
