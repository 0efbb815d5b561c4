export { createBatch } from './batch.js';
export type {
  Batch,
  BatchFailure,
  BatchItem,
  BatchOptions,
  BatchProgress,
  BatchSuccess,
} from './batch-types.js';
