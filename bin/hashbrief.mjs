#!/usr/bin/env node
// Entry point for the `hashbrief` command: runs the TypeScript CLI through tsx, from any folder.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
