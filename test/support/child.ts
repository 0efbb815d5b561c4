import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs an ES module snippet (TypeScript allowed) in a fresh Node process, asynchronously so a
 * server in this process keeps answering it.
 */
export function runScript(script: string, args: string[] = [], timeout = 20_000): Promise<ChildResult> {
  return runNode(['--input-type=module', '-e', script, ...args], { timeout });
}

// tsx resolved from this repository, so scripts may run in any folder.
const TSX = import.meta.resolve('tsx');

/** The repository's root folder. */
export const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs `node --import tsx <args>` with the repo's tsconfig (so `segmind` resolves to the source). */
export function runNode(
  args: string[],
  options: { timeout?: number; cwd?: string; env?: Record<string, string> } = {},
): Promise<ChildResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, ...args], {
      cwd: options.cwd ?? ROOT,
      env: {
        ...process.env,
        NODE_NO_WARNINGS: '1',
        TSX_TSCONFIG_PATH: `${ROOT}tsconfig.json`,
        ...options.env,
      },
      timeout: options.timeout ?? 20_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
