// `npm run demo`: the SDK doing its job against the built-in fake server. No key, no network.
// `npm run demo -- --live` uses the real API instead, and only then (needs SEGMIND_API_KEY).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceFailedError, SegmindClient, ValidationError } from 'segmind';
import { createMockServer, type MockServer, pngSize } from 'segmind/testing';

const live = process.argv.includes('--live');
const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  let server: MockServer | undefined;
  let client: SegmindClient;
  if (live) {
    if (!process.env.SEGMIND_API_KEY) throw new Error('--live needs SEGMIND_API_KEY in the environment');
    client = new SegmindClient();
    say('Using the real Segmind API (this spends credits).');
  } else {
    server = await createMockServer({
      queueTime: 300,
      jobDuration: 1_200,
      failWhen: (params) =>
        params.prompt === 'forbidden' ? 'content blocked by the safety checker' : undefined,
    });
    client = new SegmindClient({ apiKey: 'SG_demo0000000000000', baseURL: server.url });
    say(`Started the built-in fake Segmind server at ${server.url} (no key, no network).`);
  }

  try {
    await mkdir('out', { recursive: true });

    // 1. One sync call: parameters checked, image bytes back, saved to disk.
    let t = performance.now();
    const image = await client.runSync('flux-schnell', {
      prompt: 'a bengal tiger in an astronaut suit on mars',
      width: 768,
      height: 512,
      steps: 4,
    });
    const path = await image.save(join('out', image.contentType === 'image/png' ? 'tiger.png' : 'tiger.jpg'));
    const size = pngSize(image.data);
    say(
      `\n1. runSync('flux-schnell') answered in ${ms(t)}: ${image.data.length} bytes of ${image.contentType}` +
        `${size ? ` (${size.width}×${size.height})` : ''}, saved to ${path}. ` +
        `Credits left: ${image.remainingCredits ?? 'unknown'}, cost ${image.cost ?? 'unknown'}.`,
    );

    // 2. An async job: submit, watch its status change, get the result.
    t = performance.now();
    const job = await client.submitAsync('fast-flux-schnell', {
      prompt: 'a sports car, motion blur',
      aspect_ratio: '16:9',
    });
    say(`\n2. submitAsync('fast-flux-schnell') queued job ${job.requestId} in ${ms(t)}.`);
    const result = await job.wait({
      onStatus: (s) => say(`   ${ms(t).padStart(7)}  status ${s.status}`),
    });
    const file = await client.downloadToFile(result, join('out', 'car.png'));
    say(`   Done after ${ms(t)}; output downloaded to ${file.path} (${file.size} bytes).`);

    // 3. Resume a job from its JSON, as another process would after a restart.
    const saved = JSON.stringify(job);
    const resumed = client.job(JSON.parse(saved));
    const status = await resumed.status();
    say(`\n3. Rebuilt the job from ${saved.length} bytes of JSON: it is ${status.status}.`);

    // 4. Errors are typed and caught before a credit is spent.
    try {
      // @ts-expect-error: a typo the compiler catches; at run time the SDK catches it too.
      await client.runSync('flux-schnell', { prompt: 'a tiger', sampler: 'euler', width: 1001 });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      say(`\n4. A typo was stopped before any request (nothing billed): ${err.name}`);
      for (const issue of err.issues) say(`   - ${issue.path}: ${issue.message.split(' (known')[0]}`);
    }
    if (server) {
      const failing = await client.submitAsync('fast-flux-schnell', { prompt: 'forbidden' });
      try {
        await failing.wait();
      } catch (err) {
        if (!(err instanceof InferenceFailedError)) throw err;
        say(
          `   A job that FAILED on the server became ${err.name} for job ${err.requestId}: "${err.detail}".`,
        );
      }
    }
    say('\nAll done. Images are in ./out/.');
  } finally {
    await client.close();
    await server?.close();
  }
}

function ms(since: number): string {
  return `${Math.round(performance.now() - since)} ms`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
