/** Regenerates docs/snapshot.schema.json from the zod schema: `npx tsx scripts/write-snapshot-schema.ts`. */
import { writeFile } from 'node:fs/promises';
import { snapshotJsonSchema } from '../src/snapshot/json-schema';

await writeFile(
  new URL('../docs/snapshot.schema.json', import.meta.url),
  `${JSON.stringify(snapshotJsonSchema(), null, 2)}\n`,
);
