#!/usr/bin/env node
// The CLI runs the engine's TypeScript directly through tsx, so `npx netcanvas` works right
// after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
