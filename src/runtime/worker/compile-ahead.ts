/**
 * Bytecode compiled ahead for a new environment's first worker. A worker started in an
 * environment just built compiles everything it imports, one file after another (~1,900 files
 * for MLflow and scikit-learn: most of a cold start). The modules a worker of another
 * environment imported are most of what this one will (MLflow, the flavor's library), so their
 * sources in the new environment are compiled first, split over the machine's cores. As
 * Sandbox.compileBytecode does: `-I -S` (no site-packages code runs), only files inside the
 * environment, once per environment.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { PythonEnvironment } from '../environment-builder.js';

/** The environment's site-packages folders (lib/pythonX.Y/site-packages). */
function sitePackages(envDir: string): string[] {
  const lib = join(envDir, 'lib');
  if (!existsSync(lib)) return [];
  return readdirSync(lib)
    .filter((name) => name.startsWith('python'))
    .map((name) => join(lib, name, 'site-packages'))
    .filter((dir) => existsSync(dir));
}

/** The source files of `modules` in the environment (a.b -> a/b.py or a/b/__init__.py), those that exist. */
export function moduleSources(envDir: string, modules: readonly string[]): string[] {
  const found: string[] = [];
  for (const site of sitePackages(envDir)) {
    for (const name of modules) {
      if (!/^[\w.]+$/.test(name)) continue;
      const base = join(site, ...name.split('.'));
      for (const file of [`${base}.py`, join(base, '__init__.py')]) {
        if (existsSync(file)) {
          found.push(file);
          break;
        }
      }
    }
  }
  return found;
}

/** Compiles `files` with `parts` processes at once; resolves when all are done (failures are left to the worker's own import). */
export async function compileSources(environment: PythonEnvironment, files: readonly string[], parts = availableParallelism()): Promise<void> {
  const inside = files.filter((f) => f.startsWith(`${environment.dir}/`) && !f.includes('/../'));
  const count = Math.max(1, Math.min(parts, inside.length));
  const shares = Array.from({ length: count }, (_, i) => inside.filter((_, j) => j % count === i));
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve) => {
          if (share.length === 0) return resolve();
          const child = execFile(environment.python, ['-I', '-S', '-m', 'compileall', '-q', '-i', '-'], { timeout: 300_000 }, () => resolve());
          child.stdin?.end(`${share.join('\n')}\n`);
        }),
    ),
  );
}
