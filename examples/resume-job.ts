// Resume a job in another process: save job.toJSON() (or just the id), rebuild it with client.job().
//   npx tsx examples/resume-job.ts            → submits, saves job.json, exits
//   npx tsx examples/resume-job.ts job.json   → resumes and waits
import { readFile, writeFile } from 'node:fs/promises';
import { SegmindClient } from 'segmind';

const client = new SegmindClient();
const file = process.argv[2];
if (!file) {
  const job = await client.submitAsync('fast-flux-schnell', { prompt: 'a lighthouse at dawn' });
  await writeFile('job.json', JSON.stringify(job));
  console.log(`submitted ${job.requestId}; resume with: npx tsx examples/resume-job.ts job.json`);
} else {
  const job = client.job(JSON.parse(await readFile(file, 'utf8')));
  const result = await job.wait();
  console.log(`resumed ${job.requestId}: ${result.status}, output ${String(result.output)}`);
}
