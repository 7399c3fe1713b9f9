#!/usr/bin/env node
// Entry point for the `hashbrief` command: runs the compiled CLI in dist/ (built by `npm ci` through
// `prepare`, or by `npm run build`), from any folder. When a source changed since the last build, it
// rebuilds first where esbuild is installed, so a checkout never runs stale code.
import { readFileSync } from 'node:fs';
import { DIST_DIR, ensureCliBuilt } from '../scripts/build.mjs';

try {
  // One process rebuilds when a source changed since the last build; others started at the same time
  // wait for its build. Not emptied first: another hashbrief still running may load its chunks from there.
  await ensureCliBuilt({
    onRebuild: (reason) => process.stderr.write(`hashbrief: ${reason}; building dist/ (npm run build)\n`),
  });
} catch (error) {
  process.stderr.write(`hashbrief: could not build the CLI: ${error.message}\n`);
  process.exit(2);
}
// `hashbrief archive list | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const commandIndex = JSON.parse(readFileSync(`${DIST_DIR}/command-index.json`, 'utf8'));
const { main } = await import(new URL('../dist/main.mjs', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2), { commandIndex });
