/**
 * Where the demo's own files are. From the sources (tsx, vitest) this module sits in src/demo/
 * and the Python files in src/demo/python/; in the esbuild bundle it runs from dist/aviary.js and
 * scripts/build.mjs copies them to dist/demo-python/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the training scripts, their requirement files and the snia preprocessing step. */
export function demoPythonDir(): string {
  const candidates = ['./python/', './demo-python/'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  const found = candidates.find((dir) => existsSync(join(dir, 'demo_training.py')));
  if (!found) throw new Error(`the demo's Python files are missing; looked in ${candidates.join(', ')} (rebuild with \`npm run build\`)`);
  return found;
}

/** The folder holding Aviary's package.json: the project root, from the sources or the bundle. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isAviaryManifest(manifest)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** The real ZTF alerts shared beside the project (`../shared/data/ztf`), when that folder exists. */
export function sharedZtfAlerts(): string | undefined {
  const dir = join(projectRoot(), '..', 'shared', 'data', 'ztf');
  return existsSync(dir) ? dir : undefined;
}

function isAviaryManifest(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'aviary';
  } catch {
    return false;
  }
}
