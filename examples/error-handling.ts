// Branch on error classes. Every error extends SegmindError; none of them shows your key.
import {
  AuthenticationError,
  ConnectionError,
  InsufficientCreditsError,
  isSegmindError,
  RateLimitError,
  SegmindClient,
  ValidationError,
} from 'segmind';

const client = new SegmindClient();

async function generate(prompt: string, width: number) {
  try {
    const image = await client.runSync('flux-schnell', { prompt, width, height: 1024 });
    return `ok: ${image.data.length} bytes`;
  } catch (err) {
    if (err instanceof ValidationError)
      return `fix your parameters: ${err.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`;
    if (err instanceof AuthenticationError) return 'check SEGMIND_API_KEY';
    if (err instanceof InsufficientCreditsError) return 'top up your Segmind credits';
    if (err instanceof RateLimitError) return `rate limited; try again in ${err.retryAfter ?? 'a few'} ms`;
    if (err instanceof ConnectionError && err.requestSent)
      return 'the network broke after sending; the image may have been billed';
    if (isSegmindError(err)) return `${err.name}: ${err.message}`;
    throw err;
  }
}

console.log(await generate('a tiger', 1024));
console.log(await generate('a tiger', 1000 + 3));
