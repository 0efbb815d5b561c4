// The fetch transport flattens an answer's headers the same way whichever way the runtime offers
// them: Bun's Headers build the object natively (`toJSON`, set-cookie as a list), others are walked.
import { describe, expect, it } from 'vitest';
import { SegmindClient } from '../../src/index.js';
import { JPEG } from '../support/fixtures.js';

function answer(nativeObject: boolean): Response {
  const res = new Response(JPEG, {
    headers: [
      ['content-type', 'image/jpeg'],
      ['x-cost', '0.008'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ],
  });
  if (nativeObject) {
    // As Bun's Headers#toJSON answers: names lower-cased, set-cookie's values listed apart.
    Object.defineProperty(res.headers, 'toJSON', {
      value: () => ({ 'content-type': 'image/jpeg', 'x-cost': '0.008', 'set-cookie': ['a=1', 'b=2'] }),
    });
  }
  return res;
}

describe('response headers over fetch', () => {
  it.each([
    ['Headers with toJSON (Bun)', true],
    ['Headers walked one by one', false],
  ])('%s: lower-cased names, numbers read, set-cookie joined', async (_, nativeObject) => {
    const client = new SegmindClient({
      apiKey: 'SG_0000000000000000',
      baseURL: 'http://127.0.0.1:9',
      fetch: async () => answer(nativeObject),
    });
    const image = await client.runSync('flux-schnell', { prompt: 'a fox' });
    expect(image.cost).toBe(0.008);
    expect(image.contentType).toBe('image/jpeg');
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(image.headers['set-cookie']).toBe('a=1, b=2');
  });
});
