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
export { pngSize, renderPng, sizeForAspectRatio } from './png.js';
export type { MockRateLimitLog, MockRateLimitOptions, MockRateWindow } from './rate-limit.js';
