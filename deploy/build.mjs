/* global process, URL */
// `npm run build`: compiles the gateway and adapters to dist/ (tsconfig.build.json) and copies
// the files they read at run time beside them, so each finds its assets where it does in the
// source tree. `npm start` and the image run dist/; the tests run the TypeScript itself, and
// test/e2e/npm-start.test.ts builds into a folder of its own (the first argument, inside the
// project so the compiled files find node_modules).
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}${process.argv[2] ?? 'dist'}`;
const assets = [
  'gateway/migrations',
  'gateway/console/assets',
  'gateway/http/docs-assets',
  'routing/demo/midtjylland.csv',
];

rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`, '--outDir', out], { stdio: 'inherit' });
for (const asset of assets) cpSync(`${root}${asset}`, `${out}/${asset}`, { recursive: true });
