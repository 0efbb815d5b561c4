// One `npm run build` at a time for this repository: the integration tests that build dist/ (and
// read it right after) run in parallel processes, and tsup empties dist/ before writing it again.
// A lock folder in the temporary directory, keyed by the repository's path, holds the writer's pid;
// a lock whose process is gone is taken over.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOCK = join(tmpdir(), `segmind-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

async function acquire() {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {
        // Being created or removed right now.
      }
      if (Number.isInteger(owner) && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Builds dist/ afresh, then runs `use` (which reads dist/) before anyone else may build. */
export async function withFreshBuild(use) {
  await acquire();
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    return await use();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
