import { measureUploads } from './bench/uploads.js';
for (const photoBytes of [256 * 1024, 1024 * 1024]) {
  const f = await measureUploads({ photoBytes, rounds: 9 });
  console.log(photoBytes, 'uploads', f.uploadRequests, f.storedFiles);
  for (const [k, v] of Object.entries(f.sides)) console.log(' ', k, 'wall/item', v.wallPerItem.toFixed(3), 'ms ratio', v.wallRatio.toFixed(3), '| cpu/item', v.cpuPerItem.toFixed(0), 'µs ratio', v.cpuRatio.toFixed(3));
}
