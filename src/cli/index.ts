// The `segmind` bin, and the only module that touches `process`: it binds the real streams,
// environment, folder, clock and signals to the CliIO that main() runs against. Only this entry
// point loads src/cli/ (the SDK never imports it).
import { clock } from '../util/clock.js';
import { main } from './main.js';

// `segmind models | head`: the reader went away, which is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// Ctrl-C (or SIGTERM) aborts the command, which stops cleanly and prints what still runs; a second
// one means "now": the ids were (or are being) printed by the first.
const interrupt = new AbortController();
const onSignal = () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort(new Error('interrupted'));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  clock,
  signal: interrupt.signal,
})
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`segmind: ${String(err)}\n`);
      process.exitCode = 1;
    },
  )
  .finally(() => {
    // A Ctrl-C from now on ends the process by the signal's default, as for any finished program.
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
