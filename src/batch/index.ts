export { createBatch } from './batch.js';
export { BatchError } from './batch-error.js';
export type {
  Batch,
  BatchFailure,
  BatchItem,
  BatchOptions,
  BatchProgress,
  BatchSuccess,
} from './batch-types.js';
