// A lean Segmind-speaking server for the benchmarks: plain node:http, run in its own process so the
// client's CPU is what is measured. Prints {"port": n} on its first line of output.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const KiB = 1024;
const MiB = 1024 * KiB;

function fakeJpeg(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) data[i] = (i / 4096) & 0xff;
  data.set([0xff, 0xd8, 0xff, 0xe0], 0);
  data.set([0xff, 0xd9], size - 2);
  return data;
}

const small = fakeJpeg(100 * KiB);
const big = fakeJpeg(16 * MiB);
const bigBase64 = Buffer.from(JSON.stringify({ image: big.toString('base64') }));
const medium = fakeJpeg(2 * MiB);
const mediumBase64 = Buffer.from(JSON.stringify({ image: medium.toString('base64') }));
const stream = Buffer.alloc(MiB, 7);

const imageHeaders = {
  'content-type': 'image/jpeg',
  'x-remaining-credits': '99.5',
  'x-cost': '0.008',
  'x-seed-value': '123456789',
  'x-generation-time': '0.2',
};

interface Job {
  id: string;
  startsAt: number;
  endsAt: number;
  polls: number[];
}
const jobs = new Map<string, Job>();
let connections = 0;
// Sockets that carried a request from the SDK (its user-agent), to check its connection cap; those
// opened by a fetch (its requests carry `sec-fetch-mode`: the SDK's first requests on Node go through
// the global fetch while undici loads) are counted apart from those of the SDK's undici Agent.
const sdkSockets = new WeakSet<object>();
let sdkConnections = 0;
let sdkFetchConnections = 0;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** Job timing from x-bench-* headers: `duration` ms ± `spread` (a share), after `queue` ms ± half. */
function plan(req: IncomingMessage) {
  const duration = Number(req.headers['x-bench-duration'] ?? 2000);
  const spread = Number(req.headers['x-bench-spread'] ?? 0.2);
  const queue = Number(req.headers['x-bench-queue'] ?? 200);
  const now = Date.now();
  const startsAt = now + queue * (0.5 + Math.random());
  return { startsAt, endsAt: startsAt + duration * (1 - spread + 2 * spread * Math.random()) };
}

const server = createServer(async (req, res) => {
  const url = req.url ?? '/';
  if (req.headers['user-agent']?.startsWith('segmind-node/') && !sdkSockets.has(req.socket)) {
    sdkSockets.add(req.socket);
    sdkConnections++;
    if (req.headers['sec-fetch-mode'] !== undefined) sdkFetchConnections++;
  }
  if (req.method === 'POST') await readBody(req);
  if (req.method === 'POST' && url === '/v1/flux-schnell') {
    res.writeHead(200, { ...imageHeaders, 'content-length': small.length, 'x-request-id': randomUUID() });
    return res.end(small);
  }
  if (req.method === 'POST' && url === '/v1/bench-bytes-2m') {
    res.writeHead(200, { ...imageHeaders, 'content-length': medium.length });
    return res.end(medium);
  }
  if (req.method === 'POST' && url === '/v1/bench-base64-2m') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': mediumBase64.length });
    return res.end(mediumBase64);
  }
  if (req.method === 'POST' && url === '/v1/bench-bytes-16m') {
    res.writeHead(200, { ...imageHeaders, 'content-length': big.length });
    return res.end(big);
  }
  if (req.method === 'POST' && url === '/v1/bench-base64-16m') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': bigBase64.length });
    return res.end(bigBase64);
  }
  if (req.method === 'GET' && url.startsWith('/outputs/stream-')) {
    const total = Number(url.slice('/outputs/stream-'.length)) * MiB;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
    let sent = 0;
    const write = () => {
      while (sent < total) {
        sent += stream.length;
        if (!res.write(stream)) return res.once('drain', write);
      }
      res.end();
    };
    return write();
  }
  let match = /^\/v2\/([\w-]+)$/.exec(url);
  if (req.method === 'POST' && match) {
    const id = randomUUID();
    jobs.set(id, { id, ...plan(req), polls: [] });
    return json(res, 200, { request_id: id, status: 'QUEUED' });
  }
  match = /^\/v2\/requests\/([\w-]+)\/status$/.exec(url);
  if (req.method === 'GET' && match) {
    const job = jobs.get(match[1]!);
    if (!job) return json(res, 404, { error: `Request ${match[1]} not found` });
    const now = Date.now();
    job.polls.push(now);
    const status = now < job.startsAt ? 'QUEUED' : now < job.endsAt ? 'PROCESSING' : 'COMPLETED';
    return json(res, 200, { status, request_id: job.id, metrics: {} });
  }
  match = /^\/v2\/requests\/([\w-]+)$/.exec(url);
  if (req.method === 'GET' && match) {
    const job = jobs.get(match[1]!);
    if (!job) return json(res, 404, { error: `Request ${match[1]} not found` });
    jobs.delete(job.id);
    return json(res, 200, {
      status: 'COMPLETED',
      error: null,
      metrics: { inference_time: (job.endsAt - job.startsAt) / 1000 },
      output: `https://images.example/${job.id}.jpeg`,
      bench: { completed_at: job.endsAt, polls: job.polls },
    });
  }
  if (url === '/stats')
    return json(res, 200, { connections, sdkConnections, sdkFetchConnections, jobs: jobs.size });
  json(res, 404, { error: 'not found' });
});
server.keepAliveTimeout = 60_000;
server.on('connection', () => {
  connections++;
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});
