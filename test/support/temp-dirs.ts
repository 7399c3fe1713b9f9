/**
 * Temporary folders for tests: made under the OS temp folder with a prefix that says whose they are, and
 * removed by the test file's own hooks, so no test leaves one behind.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach } from 'vitest';

/**
 * Returns a maker of fresh folders named `<prefix>…`. Every folder it made is removed after each test
 * (`each`) or once the file's tests are done (`all`). Call it at the top level of a test file.
 */
export function tempDirs(prefix: string, removeAfter: 'each' | 'all' = 'all'): () => Promise<string> {
  const dirs: string[] = [];
  (removeAfter === 'each' ? afterEach : afterAll)(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/**
 * A fresh folder for every test (e.g. the CLI's working folder), handed to `use` before the test runs
 * and removed after it.
 */
export function freshDirForEachTest(prefix: string, use: (dir: string) => void): void {
  const fresh = tempDirs(prefix, 'each');
  beforeEach(async () => use(await fresh()));
}
