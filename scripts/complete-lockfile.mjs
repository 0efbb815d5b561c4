// The npm registry mirror these machines use serves only the Linux builds of packages that ship
// one binary package per platform (biome, rollup). `npm install` then leaves the other platforms'
// optional packages out of package-lock.json and `npm ci` refuses the lock. This adds them back as
// a lock from the public registry would have them: optional, with os/cpu/libc, never installed here.
// Run after changing dependencies: npm install && node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const OSES = [
  'android',
  'windows',
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'openbsd',
  'openharmony',
  'sunos',
  'aix',
];
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el'];

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const base = name.split('/').pop();
    const os = OSES.find((o) => base.includes(o));
    // workerd names x64 builds `-64` (`@cloudflare/workerd-darwin-64`).
    const cpu =
      CPUS.find((c) => new RegExp(`-${c}(-|$)`).test(base)) ?? (/-64(-|$)/.test(base) ? 'x64' : undefined);
    if (!os || !cpu) throw new Error(`cannot tell the platform of ${name} (optional dependency of ${path})`);
    const libc = base.includes('musl')
      ? ['musl']
      : os === 'linux' && base.includes('gnu')
        ? ['glibc']
        : undefined;
    packages[key] = {
      version,
      cpu: [cpu],
      dev: entry.dev,
      license: entry.license,
      optional: true,
      os: [os === 'windows' ? 'win32' : os],
      libc,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform packages`);
