import { describe, expect, it } from 'vitest';
import { Core, type SendHooks } from '../../src/http/core.js';
import { createTransport } from '../../src/http/create-transport.js';
import { ConnectionError, RateLimitError, type SegmindError } from '../../src/index.js';
import { resolveClientOptions } from '../../src/options/client-options.js';
import { callSettings } from '../../src/options/request-options.js';
import type { MockServer } from '../../src/testing/index.js';
import { createLogger } from '../../src/util/logger.js';
import { API_KEY } from '../support/fixtures.js';
import { useManualClock } from '../support/manual-clock.js';
import { closedPort } from '../support/msw-server.js';
import { useFakes } from '../support/use-server.js';

const fake = useFakes();

// The core as the client builds it, to call with hooks the way the batch journal does.
function coreFor(server: MockServer): Core {
  const options = resolveClientOptions({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
  const transport = createTransport({ fetch: undefined, dispatcher: undefined, timeout: options.timeout });
  return new Core(options, transport, createLogger('off', console, API_KEY));
}

function recorder() {
  const events: string[] = [];
  const hooks: SendHooks = {
    beforeSend: async () => {
      events.push('beforeSend');
    },
    notBilled: async (error: SegmindError) => {
      events.push(`notBilled ${error.name}`);
    },
  };
  return { events, hooks };
}

function submit(core: Core, hooks: SendHooks, billable = true) {
  return core.call(
    {
      method: 'POST',
      url: core.url('v2/fast-flux-schnell'),
      body: JSON.stringify({ prompt: 'x' }),
      billable,
      settings: callSettings(core.options, {}),
      hooks,
    },
    (res) => res.text(),
  );
}

describe('send hooks: what the journal learns about each attempt of a billable call', () => {
  useManualClock();

  it('beforeSend before each attempt leaves; notBilled for each answer that proves nothing was billed, before the retry wait', async () => {
    const server = await fake();
    server.inject({ match: { method: 'POST' }, status: 429, times: 2 });
    const { events, hooks } = recorder();
    await submit(coreFor(server), hooks);
    expect(events).toEqual([
      'beforeSend',
      'notBilled RateLimitError',
      'beforeSend',
      'notBilled RateLimitError',
      'beforeSend',
    ]);
    expect(server.requests).toHaveLength(3);
  });

  it('a connection broken after the request was sent is not reported as not billed', async () => {
    const server = await fake();
    server.inject({ match: { method: 'POST' }, reset: true });
    const { events, hooks } = recorder();
    const error = await submit(coreFor(server), hooks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).requestSent).toBe(true);
    expect(events).toEqual(['beforeSend']);
  });

  it('a refused connection (nothing left the machine) is reported as not billed, each attempt', async () => {
    const closed = await closedPort();
    const options = resolveClientOptions({
      apiKey: API_KEY,
      baseURL: closed,
      logLevel: 'off',
    });
    const transport = createTransport({ fetch: undefined, dispatcher: undefined, timeout: options.timeout });
    const core = new Core(options, transport, createLogger('off', console, API_KEY));
    const { events, hooks } = recorder();
    const error = await submit(core, hooks).catch((e: unknown) => e);
    expect((error as ConnectionError).requestSent).toBe(false);
    expect(events).toEqual([
      'beforeSend',
      'notBilled ConnectionError',
      'beforeSend',
      'notBilled ConnectionError',
      'beforeSend',
      'notBilled ConnectionError',
    ]);
  });

  it('the last 429, not retried, is still reported as not billed', async () => {
    const server = await fake();
    server.inject({ match: { method: 'POST' }, status: 429, times: 3 });
    const { events, hooks } = recorder();
    const error = await submit(coreFor(server), hooks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(events.filter((e) => e.startsWith('notBilled'))).toHaveLength(3);
  });

  it('hooks are not called for a request that cannot start work', async () => {
    const server = await fake();
    const { events, hooks } = recorder();
    await submit(coreFor(server), hooks, false).catch(() => {});
    expect(events).toEqual([]);
  });
});
