import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where aviary_worker.py is. From the sources (tsx, vitest) this module sits in
 * src/runtime/worker/ and the script in src/runtime/python/; in the esbuild bundle this code
 * runs from dist/aviary.js and scripts/build.mjs copies the script to dist/python/.
 */
export function workerScriptPath(): string {
  const candidates = ['../python/aviary_worker.py', './python/aviary_worker.py'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`aviary_worker.py not found; looked in ${candidates.join(', ')}`);
  return found;
}
