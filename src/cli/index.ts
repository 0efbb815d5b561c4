// The `segmind` bin. Only this entry point loads src/cli/ (the SDK never imports it).
import { main } from './main.js';

// `segmind models | head`: the reader went away, which is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`segmind: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
