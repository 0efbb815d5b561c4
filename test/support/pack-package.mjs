// The package as users get it: `npm pack` (without lifecycle scripts: build first) into a folder,
// and a tarball unpacked where npm would put it. Shared by the runtime harness and the bundling
// smoke, which differ only in how they provide the package's dependencies.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Packs this repository's `dist/` and package files into `dir`; returns the tarball's path. */
export function packInto(dir, { stderr = 'ignore' } = {}) {
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', stderr],
    }),
  );
  return join(dir, filename);
}

/** Unpacks `tarball` into `<appDir>/node_modules/segmind`, as an install would; returns that folder. */
export function unpackInto(tarball, appDir) {
  const target = join(appDir, 'node_modules', 'segmind');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', target, '--strip-components=1']);
  return target;
}
