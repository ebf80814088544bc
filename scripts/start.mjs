#!/usr/bin/env node
// @ts-check
/**
 * `npm start [-- <serve flags>]`: serve the proxy from dist/, compiling first only when the sources
 * changed since the last build (see build.mjs). A current build starts in well under a second,
 * instead of compiling TypeScript on every start.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { buildIfNeeded, ROOT } from './build.mjs';

const code = buildIfNeeded(ROOT, { ifStale: true });
if (code !== 0) {
  process.exitCode = code;
} else {
  // Run the built command line in this process: one Node start-up, not two.
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  process.argv = [process.argv[0] ?? process.execPath, main, 'serve', ...process.argv.slice(2)];
  await import(pathToFileURL(main).href);
}
