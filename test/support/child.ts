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
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      timeout,
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
