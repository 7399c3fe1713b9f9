/**
 * The AWS SDK warns once per process that its releases from January 2027 need Node 22 (the README states
 * that timeline). In test output, once for every test file that builds a client, it is noise:
 * vitest.config.ts turns it off for the tests, and only for them.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';

const warnings: string[] = [];
const collect = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);

afterEach(() => {
  process.off('warning', collect);
});

describe('AWS SDK in tests', () => {
  it("does not print the SDK's Node-version warning when a client is built", async () => {
    process.on('warning', collect);

    const client = new S3Client({ region: 'us-east-1' });
    await new Promise((resolve) => setImmediate(resolve));
    client.destroy();

    expect(warnings.filter((w) => /NodeVersionSupportWarning/.test(w))).toEqual([]);
  });
});
