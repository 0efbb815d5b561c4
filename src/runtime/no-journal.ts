// journal.ts for the workerd/worker and browser builds (tsup.config.ts puts this module in its
// place): the journal is a file, and those runtimes have no file system. Without this stand-in the
// journal's `node:fs` and `node:crypto` imports would break a Worker's bundle even if never used.
import { SegmindError } from '../errors.js';
import { detectRuntime } from './detect.js';

// The same shape as journal.ts's class, whose static open(path, model, via, log) batch.ts calls.
// biome-ignore lint/complexity/noStaticOnlyClass: it stands in for a class with a static factory
export class Journal {
  static open(path: string): Promise<never> {
    return Promise.reject(
      new SegmindError(
        `A batch journal (${path}) is a file, and there is no file system on ${detectRuntime()}: run the batch without the journal option, or on Node, Bun or Deno`,
      ),
    );
  }
}
