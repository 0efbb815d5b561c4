// One v1 call: the image comes back in the answer. Run against the fake:
//   SEGMIND_API_KEY=x SEGMIND_BASE_URL=<fake url> npx tsx examples/sync.ts
import { SegmindClient } from 'segmind';

const client = new SegmindClient(); // reads SEGMIND_API_KEY (and SEGMIND_BASE_URL)
const image = await client.runSync('flux-schnell', {
  prompt:
    "a bengal tiger in an astronaut suit on mars, cubist style holding a sign saying 'awesome text gen'",
  steps: 4,
  width: 1024,
  height: 768,
});
const ext = image.contentType.split('/')[1] ?? 'bin';
await image.save(`tiger.${ext}`);
console.log(`saved tiger.${ext}: ${image.data.length} bytes, ${image.remainingCredits ?? '?'} credits left`);
