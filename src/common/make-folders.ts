/**
 * Creates a folder and its missing parents, one level at a time (filter outputs, simulate's
 * folder, the demo's data directory). `mkdir(..., { recursive: true })`
 * never settles for some paths (under /proc, for one), which hung a run; here every failure is
 * an error naming the path that could not be made, e.g. "out/notadir is a file, not a folder".
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export async function makeFolders(folder: string): Promise<void> {
  const missing: string[] = [];
  let path = resolve(folder);
  for (;;) {
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => err);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) throw new Error(`${path} is a file, not a folder`);
      break;
    }
    if (info.code !== 'ENOENT') throw new Error(`cannot reach ${path}: ${info.message}`);
    const parent = dirname(path);
    if (parent === path) break;
    missing.push(path);
    path = parent;
  }
  for (const dir of missing.reverse()) {
    await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw new Error(`cannot create the folder ${dir}: ${err.message}`);
    });
  }
}
