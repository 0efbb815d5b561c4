// Value lists several entries share. Where a page cut its list short, the list here holds the
// values it shows and the entry marks it incomplete (`valuesComplete: false`).

/**
 * The sampler names known for `flux-schnell`. Segmind's page counts 27 and shows the first 10
 * (in this order); the other 17 are the SDK's earlier reading, not seen on a capture, so the
 * parameter is open: any other name is sent as given.
 */
export const SAMPLERS = [
  'euler',
  'euler_pp',
  'euler_ancestral',
  'euler_ancestral_pp',
  'heun',
  'heunpp2',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_ancestral',
  'dpmpp_sde',
  'dpmpp_sde_gpu',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_gpu',
  'dpmpp_3m_sde',
  'dpmpp_3m_sde_gpu',
  'ddpm',
  'lcm',
  'ipndm',
  'ipndm_v',
  'deis',
  'ddim',
  'uni_pc',
  'uni_pc_bh2',
] as const;

/** The schedulers `flux-schnell` accepts (the page's whole list). */
export const SCHEDULERS = [
  'normal',
  'karras',
  'exponential',
  'sgm_uniform',
  'simple',
  'ddim_uniform',
] as const;

/** The aspect ratios `fast-flux-schnell` (and `flux-dev`) accept (the page's whole list). */
export const ASPECT_RATIOS = ['1:1', '16:9', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21'] as const;

/** A sampler name known for `flux-schnell` (others are sent as given). */
export type Sampler = (typeof SAMPLERS)[number];
/** A scheduler name accepted by `flux-schnell`. */
export type Scheduler = (typeof SCHEDULERS)[number];
/** An aspect ratio accepted by `fast-flux-schnell`. */
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

// Kontext pages count 14 aspect ratios and show these 10.
export const KONTEXT_ASPECT_RATIOS = [
  'match_input_image',
  '1:1',
  '16:9',
  '9:16',
  '4:3',
  '3:4',
  '3:2',
  '2:3',
  '4:5',
  '5:4',
];

// Redux pages count 11 and show these 10.
export const REDUX_ASPECT_RATIOS = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16'];

// flux-dev-finetuned and user LoRA pages count 13 and show these 10.
export const FINETUNE_ASPECT_RATIOS = [
  '1:1',
  '2:3',
  '3:4',
  '5:8',
  '9:16',
  '9:19',
  '9:21',
  '3:2',
  '4:3',
  '8:5',
];

// flux-2-klein-4b counts 11 and shows these 10.
export const KLEIN_ASPECT_RATIOS = [
  'match_input_image',
  '1:1',
  '2:3',
  '3:2',
  '3:4',
  '4:3',
  '4:5',
  '5:4',
  '9:16',
  '16:9',
];

// Where pages disagree on megapixels' type, both are accepted and this says why.
export const MEGAPIXELS_CAVEAT =
  'Pages disagree on its type (a string on flux-fill-dev and in examples, a number on Redux): both are sent.';
