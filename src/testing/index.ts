export type { RecordedRequest } from './fetch-server.js';
export {
  createMockServer,
  type Fault,
  type FaultMatch,
  type MockJob,
  type MockServer,
  type MockServerOptions,
  type MockShapes,
} from './mock-server.js';
export { fakeImageInputs } from './output-image.js';
export { pngSize, type RenderPngOptions, readPngText, renderPng, sizeForAspectRatio } from './png.js';
export type { MockRateLimitLog, MockRateLimitOptions, MockRateWindow } from './rate-limit.js';
export type { MockUpload } from './storage.js';
