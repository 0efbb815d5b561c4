import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { APIError, InferenceFailedError } from '../../src/index.js';
import { client } from '../support/fixtures.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => serveHandlers());

// A status answer is a few hundred bytes; one that never ends must not be read into memory.
function endless(): Response {
  let sent = 0;
  const chunk = new TextEncoder().encode(`"${'a'.repeat(64 * 1024 - 2)}",`);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"status":"PROCESSING","pad":['));
    },
    pull(controller) {
      sent += chunk.length;
      // 100 MB at most, so a broken SDK still ends the test.
      if (sent > 100 * 1024 * 1024) controller.close();
      else controller.enqueue(chunk);
    },
  });
  return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } });
}

describe('status answers are bounded', () => {
  it('a status body past 1 MiB is an APIError naming the limit, and the body is not read on', async () => {
    server.use(http.get('*/v2/requests/job-big/status', endless));
    const err = await client(server.url)
      .job('job-big')
      .status({ maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toMatch(/larger than/);
    expect(server.requests).toHaveLength(1);
  });

  it.each([200, 422])(
    'a FAILED status answered %i with a body over 1 MiB is still FAILED, with its reason',
    async (code) => {
      const reason = `out of memory at step 3 ${'x'.repeat(2 * 1024 * 1024)}`;
      server.use(
        http.get('*/v2/requests/job-fail/status', () =>
          HttpResponse.json({ status: 'FAILED', error: reason, request_id: 'job-fail' }, { status: code }),
        ),
      );
      const job = client(server.url).job('job-fail');
      const status = await job.status({ maxRetries: 0 });
      expect(status.status).toBe('FAILED');
      expect(status.status === 'FAILED' && status.error).toMatch(/^out of memory at step 3 x+/);
      const err = await job.wait({ timeout: 10_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InferenceFailedError);
      expect((err as InferenceFailedError).requestId).toBe('job-fail');
      expect((err as InferenceFailedError).message).toMatch(/out of memory at step 3/);
    },
  );
});
