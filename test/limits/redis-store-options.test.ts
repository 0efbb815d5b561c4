import { describe, expect, it } from 'vitest';
import { SegmindError } from '../../src/errors.js';
import { redisStore } from '../../src/redis/index.js';

// A stand-in with the one method the check looks for; no Redis is contacted by these tests.
const client = { sendCommand: async () => null };

describe('redisStore option checks (at once, before any call)', () => {
  it.each([
    [{}, 'redis must be your ioredis or node-redis client'],
    [null, 'got null'],
    ['redis://localhost', 'got the string "redis://localhost"'],
  ])('refuses %j as the Redis client', (redis, message) => {
    expect(() => redisStore(redis as never)).toThrow(SegmindError);
    expect(() => redisStore(redis as never)).toThrow(message);
  });

  it('refuses an unknown option with a suggestion', () => {
    expect(() => redisStore(client, { prefx: 'acct1' } as never)).toThrow(
      /redisStore options: unknown option "prefx"; did you mean prefix\?/,
    );
  });

  it('names a wrong type as the type, not as the value it looks like', () => {
    expect(() => redisStore(client, { insuranceRequestsPerMinute: '5' as never })).toThrow(
      'got the string "5"',
    );
    expect(() => redisStore(client, { prefix: '' })).toThrow('prefix must be a non-empty string');
  });

  it('accepts an ioredis-like or node-redis-like client', () => {
    expect(redisStore({ defineCommand() {} }).counter).toBeTypeOf('function');
    expect(redisStore(client, { prefix: 'acct1', insuranceRequestsPerMinute: 5 }).counter).toBeTypeOf(
      'function',
    );
  });
});
