// The one child-process runner of this repository: test/ and bench/ both start Node through it.
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface NodeOptions {
  /** @default the repository's root */
  cwd?: string | undefined;
  /** Added to this process's environment. */
  env?: Record<string, string> | undefined;
  /** Kills the child after this many ms. @default none for spawnNode, 20_000 for runNode */
  timeout?: number | undefined;
  /** @default ['ignore', 'pipe', 'pipe'] */
  stdio?: StdioOptions | undefined;
}

// tsx resolved from this repository, so scripts may run in any folder.
const TSX = import.meta.resolve('tsx');

/** The repository's root folder. */
export const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * Starts `node --import tsx <args>` with the repo's tsconfig, so TypeScript runs as is and
 * `segmind` resolves to the source.
 */
export function spawnNode(args: string[], options: NodeOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, ...args], {
    cwd: options.cwd ?? ROOT,
    env: {
      ...process.env,
      NODE_NO_WARNINGS: '1',
      TSX_TSCONFIG_PATH: `${ROOT}tsconfig.json`,
      ...options.env,
    },
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  });
}

/**
 * Runs `node --import tsx <args>` to the end, asynchronously (so a server in this process keeps
 * answering it), and collects its output.
 */
export function runNode(args: string[], options: NodeOptions = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawnNode(args, { ...options, timeout: options.timeout ?? 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs an ES module snippet (TypeScript allowed) in a fresh Node process; `args` follow it in `process.argv`. */
export function runScript(script: string, args: string[] = [], timeout = 20_000): Promise<ChildResult> {
  return runNode(['--input-type=module', '-e', script, ...args], { timeout });
}
