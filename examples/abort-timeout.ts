// Per-request timeouts, whole-wait deadlines, and cancelling with an AbortSignal.
import { InferenceTimeoutError, RequestTimeoutError, SegmindClient, UserAbortError } from 'segmind';

const client = new SegmindClient({ timeout: 60_000 }); // each HTTP request: at most 60 s

// Cancel a wait from outside (a user closed the page, a shutdown began...).
const controller = new AbortController();
setTimeout(() => controller.abort(new Error('user went away')), 200);
const job = await client.submitAsync('fast-flux-schnell', { prompt: 'a slow painting' });
try {
  await job.wait({ signal: controller.signal });
} catch (err) {
  if (!(err instanceof UserAbortError)) throw err;
  console.log('wait cancelled:', (err.cause as Error).message, '- the job itself goes on:', job.requestId);
}

// Give the whole wait a deadline; the job can be resumed after it.
try {
  await client.job(job.requestId).wait({ timeout: 100 });
} catch (err) {
  if (!(err instanceof InferenceTimeoutError)) throw err;
  console.log(`not done within ${err.elapsed} ms; resume with client.job('${err.requestId}')`);
}

// A per-call timeout wins over the client's.
try {
  await client.runSync('flux-schnell', { prompt: 'x' }, { timeout: 30_000 });
  console.log('sync call finished within its 30 s limit');
} catch (err) {
  if (err instanceof RequestTimeoutError)
    console.log('timed out; it was not retried because it may have been billed');
  else throw err;
}
