// Image inputs in bulk: 500 items editing one photo (flux-kontext-pro, v2 submits) upload it once,
// and the upload + submit cost per item stays within 1.1× of a plain submit that passes a URL.
// The fake runs in its own process, so what differs between the sides is the client's own work.
import { createInterface } from 'node:readline';
import type { ImageInput } from '../src/index.js';
import type * as Testing from '../src/testing/index.js';
import { ROOT, spawnNode } from '../test/support/child.js';
import { SegmindClient } from './sdk.js';
import { summary } from './support.js';

const { createMockServer } = (await import(
  new URL('../dist/testing.js', import.meta.url).href
)) as typeof Testing;

/** How the photo is passed: the URL of an earlier upload (the baseline), a Buffer, or a Blob. */
export type UploadSide = 'url' | 'buffer' | 'blob';

/** One side's figures, medians over the rounds. */
export interface UploadSideFigures {
  /** Wall time per item, ms. */
  wallPerItem: number;
  /** This process's CPU time per item, µs: the client's own work. */
  cpuPerItem: number;
  /** Median of the per-round ratios to the `url` side measured in the same round (wall, CPU). */
  wallRatio: number;
  cpuRatio: number;
}

/** What {@link measureUploads} found. */
export interface UploadFigures {
  items: number;
  concurrency: number;
  photoBytes: number;
  rounds: number;
  /** Upload requests the fake saw for one batch of `items` items editing one photo (a Buffer), and files stored. */
  uploadRequests: number;
  storedFiles: number;
  sides: Record<UploadSide, UploadSideFigures>;
}

const ITEM_PARAMS = (i: number) => ({ prompt: `make it night, take ${i}`, aspect_ratio: '1:1' });
const API_KEY = 'SG_bench000000000000';

/** A JPEG-looking photo of `size` bytes (the SDK hashes and uploads bytes; it never decodes them). */
function photoOf(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 97) bytes[i] = (i * 31) & 0xff;
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  bytes.set([0xff, 0xd9], size - 2);
  return bytes;
}

/** Submits every item with `concurrency` in flight: wall time (ms) and this process's CPU time (µs). */
async function submitAll(
  client: InstanceType<typeof SegmindClient>,
  items: number,
  concurrency: number,
  image: unknown,
): Promise<{ wall: number; cpu: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < items; i = next++) {
      await client.submitAsync('flux-kontext-pro', { ...ITEM_PARAMS(i), input_image: image as ImageInput });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: used.user + used.system };
}

/** The fake server in a child process, as in production the API is another machine. */
async function startFake(): Promise<{ url: string; stop(): void }> {
  const script = `
    const { createMockServer } = await import(${JSON.stringify(`${ROOT}dist/testing.js`)});
    const server = await createMockServer({ queueTime: 60_000, jobDuration: 60_000, credits: 1e9 });
    console.log(JSON.stringify({ url: server.url }));`;
  const child = spawnNode(['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake server exited with ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill() };
}

/**
 * Each of `rounds` rounds submits `items` items three times, with a fresh client each time (so
 * each bytes side pays its one upload), in a rotating order: the photo as the URL of an earlier
 * upload (a plain submit), as a Buffer, and as a Blob. Then one batch of `items` items passing the
 * Buffer runs against an in-process fake, which counts the uploads.
 */
export async function measureUploads(
  options: { items?: number; concurrency?: number; rounds?: number; photoBytes?: number } = {},
): Promise<UploadFigures> {
  const { items = 500, concurrency = 8, rounds = 9, photoBytes = 1024 * 1024 } = options;
  const photo = photoOf(photoBytes);
  const sides: UploadSide[] = ['url', 'buffer', 'blob'];
  const samples = Object.fromEntries(
    sides.map((side) => [
      side,
      { wall: [] as number[], cpu: [] as number[], wallRatio: [] as number[], cpuRatio: [] as number[] },
    ]),
  ) as Record<UploadSide, { wall: number[]; cpu: number[]; wallRatio: number[]; cpuRatio: number[] }>;
  const fake = await startFake();
  const fresh = () => new SegmindClient({ apiKey: API_KEY, baseURL: fake.url, logLevel: 'off' });
  try {
    const warm = fresh();
    const url = await warm.files.upload(photo);
    await submitAll(warm, Math.min(items, 100), concurrency, photo);
    await warm.close();
    for (let round = 0; round < rounds; round++) {
      const order = sides.map((_, i) => sides[(i + round) % sides.length]!);
      const times = {} as Record<UploadSide, { wall: number; cpu: number }>;
      for (const side of order) {
        const client = fresh();
        // A new Blob per round: a Blob's hash is kept with it, and each round starts cold.
        const image = side === 'url' ? url : side === 'buffer' ? photo : new Blob([photo]);
        times[side] = await submitAll(client, items, concurrency, image);
        await client.close();
      }
      for (const side of sides) {
        const s = samples[side];
        s.wall.push(times[side].wall / items);
        s.cpu.push(times[side].cpu / items);
        s.wallRatio.push(times[side].wall / times.url.wall);
        s.cpuRatio.push(times[side].cpu / times.url.cpu);
      }
    }
  } finally {
    fake.stop();
  }
  const figures = Object.fromEntries(
    sides.map((side) => {
      const s = samples[side];
      const median = (values: number[]) => summary(values).median;
      return [
        side,
        {
          wallPerItem: median(s.wall),
          cpuPerItem: median(s.cpu),
          wallRatio: median(s.wallRatio),
          cpuRatio: median(s.cpuRatio),
        },
      ];
    }),
  ) as Record<UploadSide, UploadSideFigures>;

  // The count: one batch of `items` items editing the photo, against an in-process fake.
  const counted = await createMockServer({ queueTime: 1, jobDuration: 1 });
  try {
    const client = new SegmindClient({
      apiKey: API_KEY,
      baseURL: counted.url,
      logLevel: 'off',
      pollInterval: 5,
    });
    const params = Array.from({ length: items }, (_, i) => ({ ...ITEM_PARAMS(i), input_image: photo }));
    const results = await client.batch('flux-kontext-pro', params, { concurrency }).all();
    const failed = results.filter((r) => !r.ok).length;
    if (failed > 0) throw new Error(`${failed} of ${items} batch items failed`);
    await client.close();
    return {
      items,
      concurrency,
      photoBytes,
      rounds,
      uploadRequests: counted.requests.filter((r) => r.path === '/upload-asset').length,
      storedFiles: counted.uploads.length,
      sides: figures,
    };
  } finally {
    await counted.close();
  }
}

// `npx tsx bench/uploads.ts [--quick]` runs this section alone (after `npm run build`).
if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const figures = await measureUploads(quick ? { items: 100, rounds: 3 } : {});
  console.log(JSON.stringify(figures, null, 2));
}
