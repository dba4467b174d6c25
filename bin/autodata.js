#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx's loader, so `npx autodata` works right after
// `npm ci` with no build step and no stale compiled output.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv.slice(2));
