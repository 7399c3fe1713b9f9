import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { snapshotJsonSchema } from '../../../src/snapshot/json-schema';
import { metricsSchema } from '../../../src/snapshot/schema';

describe('published JSON Schema of snapshot.json', () => {
  it('is up to date with the zod schema (regenerate: npx tsx scripts/write-snapshot-schema.ts)', async () => {
    const committed = JSON.parse(
      await readFile(new URL('../../../docs/snapshot.schema.json', import.meta.url), 'utf8'),
    );

    expect(committed).toEqual(JSON.parse(JSON.stringify(snapshotJsonSchema())));
  });

  it('describes every metric group and keeps nulls explicit', () => {
    const schema = snapshotJsonSchema() as {
      required: string[];
      properties: { metrics: { properties: Record<string, { properties: Record<string, unknown> }> } };
    };

    expect(schema.required).toEqual(
      expect.arrayContaining(['schemaVersion', 'issueId', 'asOf', 'sample', 'metrics']),
    );
    expect(Object.keys(schema.properties.metrics.properties).sort()).toEqual(
      Object.keys(metricsSchema.shape).sort(),
    );
    expect(schema.properties.metrics.properties.hashprice?.properties.usdPerPhDay).toEqual({
      type: ['number', 'null'],
    });
  });
});
