import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { APIError, SegmindError } from '../../src/index.js';
import { client } from '../support/fixtures.js';
import { scriptedJob } from '../support/job-handlers.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => serveHandlers());

const BAD_IDS: Array<[string, unknown]> = [
  ['empty', ''],
  ['a dot segment', '.'],
  ['a double-dot segment', '..'],
  ['a slash', 'abc/../../v1/flux-schnell'],
  ['a backslash', 'abc\\def'],
  ['a query', 'abc?x=1'],
  ['a fragment', 'abc#x'],
  ['a space', 'abc def'],
  ['a newline', 'abc\n'],
  ['a control character', 'abc\u0000'],
  ['non-ASCII', 'abcé'],
  ['over 256 characters', 'a'.repeat(257)],
  ['not a string', 42],
];

describe('client.job() checks the id locally', () => {
  it.each(BAD_IDS)('refuses an id with %s, sending nothing', (_, id) => {
    const c = client(server.url);
    expect(() => c.job(id as string)).toThrow(SegmindError);
    expect(() => c.job({ requestId: id as string })).toThrow(/request id/);
    expect(server.requests).toHaveLength(0);
  });

  it('names the rule the id breaks', () => {
    const c = client(server.url);
    expect(() => c.job('..')).toThrow(/must not be "\.\."/);
    expect(() => c.job('a/b')).toThrow(/must not contain \//);
    expect(() => c.job('a'.repeat(257))).toThrow(/at most 256 characters/);
  });

  it('accepts a UUID, a 256-character id and ids with dots inside', async () => {
    const c = client(server.url);
    expect(c.job('2c7f1d3e-5b0a-4c55-9e1f-0f6d1c2b3a4d').requestId).toHaveLength(36);
    expect(c.job('a'.repeat(256)).requestId).toHaveLength(256);
    server.use(...scriptedJob({ id: 'a.b..c', steps: ['QUEUED'] }));
    expect((await c.job('a.b..c').status()).status).toBe('QUEUED');
    expect(server.requests[0]?.path).toBe('/v2/requests/a.b..c/status');
  });
});

describe('a request_id from a submit answer gets the same check', () => {
  it.each([
    ['..', '..'],
    ['a path', '../../v1/flux-schnell'],
    ['a number', 42],
  ])(
    'a submit answering with %s as request_id is an APIError that may have been billed, and nothing follows',
    async (_, id) => {
      server.use(http.post('*/v2/:model', () => HttpResponse.json({ request_id: id, status: 'QUEUED' })));
      const err = await client(server.url)
        .run('fast-flux-schnell', { prompt: 'x' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(APIError);
      expect((err as APIError).status).toBe(200);
      expect((err as APIError).message).toMatch(/may have been queued and billed/);
      expect(server.requests.map((r) => r.method)).toEqual(['POST']);
    },
  );
});
