// What the smoke app does with the SDK, bundled or not: an image from runSync, an async result from
// run, and a ValidationError for bad parameters. It returns what it saw as plain JSON (no request
// ids or timings), so the harness can compare a bundled run with the unbundled one field by field.
// Every call is caught: a bundle that cannot load a module reports the error instead of crashing.
import { ImageResult, readOutput, SegmindClient, ValidationError } from 'segmind';

const describe = (err) => ({
  error: err?.name ?? typeof err,
  message: String(err?.message ?? err).slice(0, 500),
});

export async function checks(baseURL) {
  if (!baseURL) throw new Error('SEGMIND_SMOKE_URL is not set');
  const client = new SegmindClient({
    apiKey: 'SG_bundling000000000',
    baseURL,
    pollInterval: 50,
    logLevel: 'off',
  });
  const out = {};
  try {
    const image = await client.runSync('flux-schnell', {
      prompt: 'a lighthouse',
      width: 512,
      height: 512,
      seed: 7,
    });
    out.runSync = {
      imageResult: image instanceof ImageResult,
      contentType: image.contentType,
      bytes: image.data.length,
      head: Array.from(image.data.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(''),
      seed: image.seed,
    };
  } catch (err) {
    out.runSync = describe(err);
  }
  try {
    const result = await client.run('fast-flux-schnell', { prompt: 'a harbour at night' });
    out.run = { status: result.status, output: readOutput(result).map((item) => item.type) };
  } catch (err) {
    out.run = describe(err);
  }
  try {
    await client.runSync('flux-schnell', { prompt: 'too many steps', steps: 1000 });
    out.validation = { error: 'none: the call went through' };
  } catch (err) {
    out.validation =
      err instanceof ValidationError
        ? { validationError: true, name: err.name, fields: err.issues.map((issue) => issue.path) }
        : describe(err);
  }
  await client.close();
  return out;
}
