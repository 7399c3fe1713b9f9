#!/usr/bin/env node
// Entry point for the `hashbrief` command: runs the TypeScript CLI through tsx, from any folder.
import { register } from 'tsx/esm/api';

register();
// `hashbrief archive list | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
