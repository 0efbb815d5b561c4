// Types of smoke.mjs (plain JavaScript, run by node in CI) for the vitest test that drives it.
/** What the smoke app reported: its three checks, or `crashed` when it died before reporting. */
export type SmokeResult = Record<string, unknown>;

export interface TargetRun {
  target: string;
  result: SmokeResult;
  /** Build machine paths or `Cannot find module '…'` found in the output, with their context. */
  leaks: string[];
  warnings: string[];
}

export const BUNDLERS: readonly string[];
export const TARGETS: readonly string[];
export function packPackage(workDir: string): Promise<string>;
export function stageApp(workDir: string, tarball: string): string;
export function startFake(appDir: string): Promise<{ url: string; stop(): Promise<void> }>;
export function runUnbundled(appDir: string, url: string): Promise<SmokeResult>;
export function runBundled(bundler: string, appDir: string, url: string, workDir: string): Promise<TargetRun>;
export function runNextStandalone(tarball: string, url: string, workDir: string): Promise<TargetRun>;
export function scanBundle(dir: string, forbiddenPaths: string[]): string[];
export function differences(reference: SmokeResult, result: SmokeResult): string[];
export function referenceProblems(reference: SmokeResult): string[];
