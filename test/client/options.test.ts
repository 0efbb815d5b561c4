import { describe, expect, it } from 'vitest';
import { SegmindClient, SegmindError } from '../../src/index.js';
import { resolveClientOptions } from '../../src/options/client-options.js';
import { API_KEY } from '../support/fixtures.js';
import { useFakes } from '../support/use-server.js';

const fake = useFakes();

describe('a wrong option is named by its type, before anything is sent', () => {
  it.each([
    [{ maxRetries: '2' }, 'maxRetries must be a whole number ≥ 0, got the string "2"'],
    [
      { timeout: '300' },
      'timeout must be a finite number of milliseconds > 0 and ≤ 2147483647, got the string "300"',
    ],
    [{ maxResponseBytes: 1.5 }, 'maxResponseBytes must be a positive whole number of bytes, got 1.5'],
    [{ validate: 'no' }, 'validate must be true or false, got the string "no"'],
    [
      { rateLimit: { requestsPerMinute: '50' } },
      'rateLimit.requestsPerMinute must be a whole number from 1 to 2147483647, got the string "50"',
    ],
    [
      { rateLimit: { requestPerMinute: 50 } },
      'rateLimit: unknown option "requestPerMinute"; did you mean requestsPerMinute?',
    ],
    [{ rateLimit: 5 }, 'rateLimit must be an object, got 5'],
  ])('client option %j', (options, message) => {
    expect(() => new SegmindClient({ apiKey: API_KEY, ...(options as object) })).toThrow(SegmindError);
    expect(() => new SegmindClient({ apiKey: API_KEY, ...(options as object) })).toThrow(message);
  });

  it.each([
    [{ timeout: '300' }, 'got the string "300"'],
    [{ maxRetries: -1 }, 'maxRetries must be a whole number ≥ 0, got -1'],
    [{ signal: { aborted: false } }, 'signal must be an AbortSignal, got an object'],
    [{ signal: 'stop' }, 'signal must be an AbortSignal, got the string "stop"'],
  ])('per-call option %j, with no request sent', async (options, message) => {
    const server = await fake();
    const client = new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
    const error = await client
      .runSync('flux-schnell', { prompt: 'x' }, options as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SegmindError);
    expect((error as Error).message).toContain(message);
    expect(server.requests).toHaveLength(0);
  });
});

describe('uploadURL: where image inputs go, and the only other origin the key goes to', () => {
  const env = { SEGMIND_API_KEY: API_KEY };

  it("is Segmind storage when baseURL is Segmind's own", () => {
    expect(resolveClientOptions({}, env).uploadURL.href).toBe(
      'https://workflows-api.segmind.com/upload-asset',
    );
  });

  it("is <baseURL's origin>/upload-asset for any other baseURL (the fake, a proxy)", () => {
    const o = resolveClientOptions({ baseURL: 'http://127.0.0.1:8123/segmind/' }, env);
    expect(o.uploadURL.href).toBe('http://127.0.0.1:8123/upload-asset');
  });

  it('comes from the option, else SEGMIND_UPLOAD_URL', () => {
    const fromEnv = { ...env, SEGMIND_UPLOAD_URL: 'https://files.example.com/up' };
    expect(resolveClientOptions({}, fromEnv).uploadURL.href).toBe('https://files.example.com/up');
    expect(resolveClientOptions({ uploadURL: 'https://other.example.com/u' }, fromEnv).uploadURL.href).toBe(
      'https://other.example.com/u',
    );
  });

  it('follows the https-or-loopback rule, naming where the value came from', () => {
    expect(() => resolveClientOptions({ uploadURL: 'http://files.example.com/up' }, env)).toThrow(
      /uploadURL must use https/,
    );
    expect(() => resolveClientOptions({}, { ...env, SEGMIND_UPLOAD_URL: 'http://x.example/u' })).toThrow(
      /SEGMIND_UPLOAD_URL must use https/,
    );
  });

  it('maxUploadBytes defaults to 50 MiB and is checked like other byte caps', () => {
    expect(resolveClientOptions({}, env).maxUploadBytes).toBe(50 * 1024 * 1024);
    expect(() => resolveClientOptions({ maxUploadBytes: 0 }, env)).toThrow(
      'maxUploadBytes must be a positive whole number of bytes, got 0',
    );
  });
});
