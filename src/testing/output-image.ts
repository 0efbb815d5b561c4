import { outputSize } from './fake-models.js';
import type { FakeInput } from './input-images.js';
import { pngSize, readPngText, renderPng } from './png.js';

/** The `tEXt` keyword under which the fake's outputs of image-input models name their inputs. */
export const INPUTS_KEYWORD = 'segmind:inputs';

/**
 * The fake's output image for a request: a real PNG, the same bytes for the same parameters. For an
 * image-input model it is drawn from the inputs: the gradient starts at a colour taken from the
 * input images' bytes (their SHA-256), the size follows the first input when the request sets no
 * size or aspect ratio, and a `tEXt` chunk names every input (read it with {@link fakeImageInputs}).
 */
export function renderOutput(
  params: Record<string, unknown>,
  seed: number,
  inputs: readonly FakeInput[],
): Buffer {
  const seedText = `${String(params.prompt)}\u0000${seed}`;
  if (inputs.length === 0) {
    const { width, height } = outputSize(params, undefined);
    return renderPng(width, height, seedText);
  }
  const named: Record<string, string> = {};
  for (const input of inputs) named[input.field] = input.sha256 ?? input.url;
  const first = inputs[0]!.bytes;
  const { width, height } = outputSize(params, first ? pngSize(first) : undefined);
  const from = Object.values(named).join('\n');
  return renderPng(width, height, `${seedText}\u0000${from}`, {
    startSeed: from,
    text: { [INPUTS_KEYWORD]: JSON.stringify(named) },
  });
}

/**
 * What a fake output was made from: for each image input of the request, by field (`input_image`,
 * `image_urls[1]`), the SHA-256 of the image (lowercase hex; an upload's `sha256` in
 * `server.uploads`) or, for a URL outside the fake (never fetched), the URL. `{}` for an image not
 * made by the fake from inputs.
 * @example
 * const image = await client.runSync('flux-kontext-pro', { prompt: 'night', input_image: photo });
 * expect(fakeImageInputs(image.data)).toEqual({ input_image: createHash('sha256').update(photo).digest('hex') });
 */
export function fakeImageInputs(image: Uint8Array): Record<string, string> {
  const text = readPngText(image)[INPUTS_KEYWORD];
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}
