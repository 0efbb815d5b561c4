// Edit a photo on disk with Flux Kontext: the SDK uploads the file to Segmind storage and sends
// its URL. Runs offline against the built-in fake server, no key needed:
//   npx tsx examples/edit-photo.ts
// Against the real API (spends credits): SEGMIND_API_KEY=… npx tsx examples/edit-photo.ts --live my-photo.jpg
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileFrom, SegmindClient } from 'segmind';
import { createMockServer, fakeImageInputs, type MockServer, pngSize, renderPng } from 'segmind/testing';

const live = process.argv.includes('--live');
const given = process.argv.slice(2).find((arg) => !arg.startsWith('--'));

let server: MockServer | undefined;
let client: SegmindClient;
let photo: string;
if (live) {
  if (!given) throw new Error('--live needs the path of a photo to edit');
  client = new SegmindClient(); // reads SEGMIND_API_KEY
  photo = given;
} else {
  server = await createMockServer({ queueTime: 200, jobDuration: 600 });
  client = new SegmindClient({ apiKey: 'SG_example0000000000', baseURL: server.url });
  console.log(`fake Segmind server at ${server.url} (no key, no network)`);
  // A stand-in for your photo: a real 640×480 PNG written to disk.
  photo = given ?? 'photo.png';
  await writeFile(photo, renderPng(640, 480, 'a street by day'));
  console.log(`wrote ${photo}`);
}

try {
  // fileFrom() reads the file only when it is uploaded; the format comes from its bytes.
  const result = await client.run(
    'flux-kontext-pro',
    { prompt: 'make it a rainy night, neon reflections', input_image: fileFrom(photo) },
    { onStatus: (s) => console.log(`status ${s.status}`) },
  );
  const edited = await client.download(result);
  const out = photo.replace(/(\.\w+)?$/, '-night.png');
  await edited.save(out);
  const size = pngSize(edited.data);
  console.log(`saved ${out}${size ? ` (${size.width}×${size.height})` : ''}`);

  if (server) {
    // The fake draws its output from the input and names the input's SHA-256 in the PNG, so a
    // test can check that the photo arrived.
    const sha256 = createHash('sha256')
      .update(await readFile(photo))
      .digest('hex');
    console.log(`made from ${photo}: ${fakeImageInputs(edited.data).input_image === sha256 ? 'yes' : 'no'}`);
    // The same photo again: the client knows its URL, nothing is uploaded twice.
    await client.runSync('flux-kontext-pro', { prompt: 'make it snow', input_image: fileFrom(photo) });
    console.log(`edited twice, uploads: ${server.uploads.length}`);
  }
} finally {
  await client.close();
  await server?.close();
}
