/**
 * The JSON Schema of snapshot.json, generated from the zod schema, for readers who validate downloads in
 * another language. docs/snapshot.schema.json is this output; a test keeps it in step.
 */
import { z } from 'zod';
import { SNAPSHOT_SCHEMA_VERSION, snapshotSchema } from './schema';

export function snapshotJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(snapshotSchema, { target: 'draft-2020-12' }),
    $id: `https://github.com/hashbrief/hashbrief/blob/main/docs/snapshot.schema.json#v${SNAPSHOT_SCHEMA_VERSION}`,
    title: `hashbrief snapshot.json, schemaVersion ${SNAPSHOT_SCHEMA_VERSION}`,
    description:
      'One weekly issue: sources and their status, every metric (unit in the key; null when its inputs were unavailable, with a warning), alerts, narrative. Coin Metrics data: CC BY-NC 4.0.',
  };
}
