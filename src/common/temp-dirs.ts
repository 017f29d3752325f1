/**
 * Temporary folders (a downloaded model, a run's preprocessing step) that do not outlive their
 * process. Each is `<prefix>-<pid>-XXXXXX` in the system temp folder and stays registered until
 * removed; a process 'exit' hook removes what is still registered, synchronously (nothing async
 * runs at exit), and removeTempDirs() does the same for a signal handler about to exit. A killed
 * process cleans nothing: the first temp folder a later process makes sweeps the folders whose
 * owner (the pid in the name) is gone.
 *
 * The registry is the module's own state, not passed around: what it mirrors (the process and
 * its 'exit' event) is one per process too.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processIsAlive } from './process-is-alive.js';

export type TempDirPrefix = 'aviary-model' | 'aviary-preprocessing' | 'aviary-spare';

/** `<prefix>-<owner pid>-<mkdtemp's 6 characters>`; other aviary-* folders (tests' own) never match. */
const OWNED_NAME = /^aviary-(?:model|preprocessing|spare)-(\d+)-[A-Za-z0-9]{6}$/;

const registered = new Set<string>();
const sweptRoots = new Set<string>();
let exitHooked = false;

/** A new folder in the system temp folder (TMPDIR as it is now), removed at exit unless removeTempDir removes it first. */
export async function makeTempDir(prefix: TempDirPrefix): Promise<string> {
  const root = tmpdir();
  if (!sweptRoots.has(root)) {
    sweptRoots.add(root);
    await sweepStaleTempDirs(root);
  }
  const dir = await mkdtemp(join(root, `${prefix}-${process.pid}-`));
  registered.add(dir);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', removeTempDirs);
  }
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  registered.delete(dir);
}

/** Removes every folder made by makeTempDir and not removed yet, synchronously: safe in an 'exit' or signal handler. */
export function removeTempDirs(): void {
  for (const dir of registered) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Exiting anyway: the next process's sweep gets another chance.
    }
    registered.delete(dir);
  }
}

/** Removes the aviary-model-*, aviary-preprocessing-* and aviary-spare-* folders in `root` whose owner process is gone; returns their paths. */
export async function sweepStaleTempDirs(root: string = tmpdir(), isAlive: (pid: number) => boolean = processIsAlive): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const owner = OWNED_NAME.exec(name)?.[1];
    if (owner === undefined) continue;
    const pid = Number(owner);
    if (pid === process.pid || isAlive(pid)) continue;
    const dir = join(root, name);
    // Another process may be sweeping the same folder: losing that race is fine.
    if (await rm(dir, { recursive: true, force: true }).then(() => true, () => false)) removed.push(dir);
  }
  return removed;
}
