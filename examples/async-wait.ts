// Submit a v2 job, watch it, and download its output.
import { InferenceFailedError, InferenceTimeoutError, readOutput, SegmindClient } from 'segmind';

const client = new SegmindClient();
const job = await client.submitAsync('fast-flux-schnell', {
  prompt: "A wallpaper image of sports car with 'Flux' written on it, motion blur, side view, long shot",
  aspect_ratio: '16:9',
});
console.log('submitted', job.requestId);
try {
  const result = await job.wait({
    timeout: 120_000, // the whole wait, in ms
    onStatus: (s) => console.log('status', s.status),
  });
  for (const item of readOutput(result.output)) {
    if (item.type === 'url') {
      const file = await client.downloadToFile(item.url, `car-${job.requestId}.png`);
      console.log('downloaded', file.path, file.size, 'bytes');
    } else if (item.type === 'base64') {
      console.log('got', item.data.length, 'bytes of', item.contentType, 'inline');
    }
  }
} catch (err) {
  if (err instanceof InferenceTimeoutError) console.log('still running; resume later with', err.requestId);
  else if (err instanceof InferenceFailedError) console.log('failed:', err.detail);
  else throw err;
}
