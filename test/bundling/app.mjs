// The smoke app each bundler bundles: runs the checks against the fake whose URL the harness passes
// in SEGMIND_SMOKE_URL and prints them on one line. No top-level await, so CommonJS output works too.
import { checks } from './checks.mjs';

checks(process.env.SEGMIND_SMOKE_URL).then(
  (result) => console.log(`SMOKE ${JSON.stringify(result)}`),
  (err) => {
    console.log(`SMOKE ${JSON.stringify({ crashed: `${err?.name}: ${err?.message}` })}`);
    process.exitCode = 1;
  },
);
