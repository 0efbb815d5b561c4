// README's "Models" table, generated from the registry (scripts/gen-model-types.ts --readme).
import { modelListing } from './listing.js';

const endpointCell = (endpoints: readonly string[]) => endpoints.join(' + ');

/** @internal The README "Models" table: slug, what it is for, v1/v2, image inputs; grouped. */
export function modelsTable(): string {
  const rows = ['| model | what for | API | image inputs |', '|---|---|---|---|'];
  for (const { title, models } of modelListing()) {
    rows.push(`| **${title}** | | | |`);
    for (const m of models) {
      const images = m.images.length ? m.images.map((i) => `\`${i}\``).join(', ') : '—';
      rows.push(`| \`${m.slug}\` | ${m.description} | ${endpointCell(m.endpoints)} | ${images} |`);
    }
  }
  return rows.join('\n');
}
