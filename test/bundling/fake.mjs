// The fake Segmind server for the bundled apps, in its own process: segmind/testing from the
// installed package. Prints {"url": …} once listening; stops when its parent closes stdin.
import { createMockServer } from 'segmind/testing';

const server = await createMockServer({ queueTime: 20, jobDuration: 60 });
console.log(JSON.stringify({ url: server.url }));
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
