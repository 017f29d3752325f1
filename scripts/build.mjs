// Bundles the CLI into one ESM file so `aviary` starts fast (no TypeScript at run time).
import { cpSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/aviary.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// The Python model worker is a file the runtime starts, not code to bundle: it goes beside the
// bundle (src/runtime/worker/worker-script.ts looks in dist/python/ and in src/runtime/python/).
cpSync('src/runtime/python', 'dist/python', { recursive: true, filter: (path) => !/(__pycache__|\.test\.ts)$/.test(path) });
