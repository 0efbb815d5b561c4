import type { ImageParam } from './resolve-image-inputs.js';

// Provisional, until the model registry lands on main (it gives every model's image parameters):
// the two image-input shapes known today, a single `input_image` and a list `image_urls`.
const IMAGE_PARAMS: Readonly<Record<string, readonly ImageParam[]>> = {
  'flux-kontext-pro': [{ name: 'input_image', array: false }],
  'flux-2-klein-4b': [{ name: 'image_urls', array: true }],
};

const NONE: readonly ImageParam[] = [];

/** The parameters of `model` that take images; none for a model the SDK does not know. */
export function imageParamsOf(model: string): readonly ImageParam[] {
  return Object.hasOwn(IMAGE_PARAMS, model) ? IMAGE_PARAMS[model]! : NONE;
}
