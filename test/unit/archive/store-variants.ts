/**
 * The ArchiveStore adapters a stored record must behave the same on, for `describe.each`: memory, a
 * fresh temporary folder, and S3 through the fake client, which enforces conditional writes.
 */
import { createFsArchiveStore } from '../../../src/archive/fs-store';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { createS3ArchiveStore } from '../../../src/archive/s3-store';
import type { ArchiveStore } from '../../../src/archive/store';
import { tempDirs } from '../../support/temp-dirs';
import { createFakeS3 } from './s3-fake';

/** A store's name (for the test title) and a maker of a fresh, empty one. */
export type StoreVariant = [name: string, fresh: () => Promise<ArchiveStore>];

/**
 * Memory, filesystem (folders named `<dirPrefix>…`, removed after the file's tests) and, unless `s3Name`
 * is null, S3 under that name. Call it at the top level of a test file.
 */
export function storeVariants(
  dirPrefix: string,
  s3Name: string | null = 'S3 (conditional writes enforced)',
): StoreVariant[] {
  const freshDir = tempDirs(dirPrefix);
  const variants: StoreVariant[] = [
    ['memory', async () => createMemoryArchiveStore()],
    ['filesystem', async () => createFsArchiveStore(await freshDir())],
  ];
  if (s3Name !== null) {
    variants.push([
      s3Name,
      async () => createS3ArchiveStore({ client: createFakeS3().client, bucket: 'state' }),
    ]);
  }
  return variants;
}
