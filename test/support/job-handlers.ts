import { HttpResponse, http } from 'msw';

/** One step of a scripted job: a status name, or a whole response to answer the poll with. */
export type Step = string | (() => Response);

export interface ScriptedJob {
  id: string;
  /** The status answers in order; the last one repeats. */
  steps: Step[];
  /** The result body once COMPLETED. */
  result?: Record<string, unknown>;
  /** Override what the submit answers (e.g. to drop request_id or give foreign URLs). */
  submit?: (base: string) => Record<string, unknown>;
}

/**
 * msw handlers speaking Segmind's v2 flow for one scripted job: `POST /v2/{model}` answers the
 * request id and its status/result URLs, `GET /v2/requests/{id}/status` answers each step in turn
 * (FAILED as a 422 with the reason), and `GET /v2/requests/{id}` answers the result.
 */
export function scriptedJob(job: ScriptedJob) {
  let step = 0;
  const output = `https://images.segmind.example/generations/${job.id}.jpeg`;
  return [
    http.post('*/v2/:model', ({ request }) => {
      const base = new URL(request.url).origin;
      return HttpResponse.json(
        job.submit?.(base) ?? {
          request_id: job.id,
          status: 'QUEUED',
          poll_url: `${base}/v1/requests/${job.id}`,
          status_url: `${base}/v2/requests/${job.id}/status`,
          response_url: `${base}/v2/requests/${job.id}`,
        },
      );
    }),
    http.get(`*/v2/requests/${job.id}/status`, () => {
      const current = job.steps[Math.min(step++, job.steps.length - 1)]!;
      if (typeof current === 'function') return current();
      if (current === 'FAILED') {
        return HttpResponse.json(
          {
            status: 'FAILED',
            error: 'content blocked',
            metrics: { inference_time: 0.4 },
            request_id: job.id,
          },
          { status: 422 },
        );
      }
      return HttpResponse.json({
        status: current,
        request_id: job.id,
        metrics: current === 'COMPLETED' ? { inference_time: 1.2 } : {},
      });
    }),
    http.get(`*/v2/requests/${job.id}`, () =>
      HttpResponse.json(
        job.result ?? { status: 'COMPLETED', error: null, metrics: { inference_time: 1.2 }, output, seed: 7 },
      ),
    ),
  ];
}

/** Status polls of a job in a recorded request log. */
export function polls<R extends { method: string; path: string }>(requests: R[], id: string): R[] {
  return requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/v2/requests/${id}/status`));
}
