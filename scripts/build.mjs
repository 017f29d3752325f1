// Bundles the CLI into one ESM file so `aviary` starts fast (no TypeScript at run time).
// `--cli` skips the web UI's build (the tests rebuild the CLI this way when src/ is newer).
import { cpSync } from 'node:fs';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/aviary.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Pure-JS dependencies are bundled: loading kysely's ~300 ES modules alone cost ~140 ms of
  // start-up. Packages with native binaries stay external (the Kafka client loads a WebAssembly
  // file beside its module); bundled CommonJS needs `require`.
  external: ['better-sqlite3', 'onnxruntime-node', '@platformatic/kafka'],
  banner: { js: "import { createRequire as __aviaryCreateRequire } from 'node:module'; const require = __aviaryCreateRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});

// The alert store's writer thread runs a script of its own, bundled the same way beside the CLI
// (src/broker/store/sqlite/alert-writer-thread.ts looks for dist/alert-writer-worker.js first).
await build({
  entryPoints: ['src/broker/store/sqlite/alert-writer-worker.ts'],
  outfile: 'dist/alert-writer-worker.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'onnxruntime-node'],
  banner: { js: "import { createRequire as __aviaryCreateRequire } from 'node:module'; const require = __aviaryCreateRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});

// The Python model worker is a file the runtime starts, not code to bundle: it goes beside the
// bundle (src/runtime/worker/worker-script.ts looks in dist/python/ and in src/runtime/python/).
cpSync('src/runtime/python', 'dist/python', { recursive: true, filter: (path) => !/(__pycache__|\.test\.ts)$/.test(path) });

// `aviary demo` runs its training scripts and logs its preprocessing folder from files, likewise
// (src/demo/demo-files.ts looks in dist/demo-python/ and in src/demo/python/).
cpSync('src/demo/python', 'dist/demo-python', { recursive: true, filter: (path) => !/__pycache__$/.test(path) });

// The web UI (web/, React) is built by Vite into dist/web/, which `aviary server` serves at /.
if (!process.argv.includes('--cli')) await viteBuild({ configFile: 'web/vite.config.ts', logLevel: 'warn' });
