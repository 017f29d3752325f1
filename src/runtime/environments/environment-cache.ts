/**
 * What the environment cache holds, and pruning it. Pruning takes each environment's build lock
 * without waiting, so an environment being built (or rebuilt) is never touched; a finished one is
 * first renamed out of envs/ under that lock, so a builder never mistakes a half-deleted folder
 * for a finished one. Lock files are never deleted: a flock on an unlinked file protects nothing.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheLayout, MARKER_FILE, readMarker, TMP_PREFIX, type EnvMarker } from './cache-layout.js';
import { diskUsage, type DiskUsage } from './disk-usage.js';
import { tryLockFile } from './file-lock.js';

const TRASH_PREFIX = '.trash-';

export interface CachedEnvironment {
  readonly hash: string;
  readonly dir: string;
  /** ready: finished; building: a build holds its lock; incomplete: an interrupted build or an unusable folder. */
  readonly state: 'ready' | 'building' | 'incomplete';
  readonly marker?: EnvMarker;
  /** When a build last returned it (its marker's modification time). */
  readonly lastUsed?: Date;
  readonly usage: DiskUsage;
}

export async function listEnvironments(layout: CacheLayout): Promise<CachedEnvironment[]> {
  const names = await readdir(layout.envs).catch(() => [] as string[]);
  const entries = await Promise.all(names.map((name) => describe(layout, name)));
  return entries.sort((a, b) => (b.lastUsed?.getTime() ?? 0) - (a.lastUsed?.getTime() ?? 0));
}

async function describe(layout: CacheLayout, name: string): Promise<CachedEnvironment> {
  const dir = join(layout.envs, name);
  const usage = await diskUsage(dir);
  if (name.startsWith(TMP_PREFIX) || name.startsWith(TRASH_PREFIX)) {
    const hash = name.split('-')[1] ?? name;
    const building = name.startsWith(TMP_PREFIX) && (await isLocked(layout.lockFile(hash)));
    return { hash, dir, state: building ? 'building' : 'incomplete', usage };
  }
  const marker = await readMarker(dir);
  if (marker?.hash !== name) return { hash: name, dir, state: 'incomplete', usage };
  const lastUsed = (await stat(join(dir, MARKER_FILE))).mtime;
  return { hash: name, dir, state: 'ready', marker, lastUsed, usage };
}

async function isLocked(lockPath: string): Promise<boolean> {
  const lock = await tryLockFile(lockPath);
  await lock?.release();
  return lock === undefined;
}

export interface PruneOptions {
  /** Remove finished environments not used for this long. */
  readonly olderThanMs?: number;
  /** Remove every finished environment. */
  readonly all?: boolean;
  readonly dryRun?: boolean;
  readonly now?: Date;
}

export interface PruneResult {
  readonly removed: readonly CachedEnvironment[];
  /** Environments that matched but were being built, with the reason. */
  readonly skipped: readonly { readonly env: CachedEnvironment; readonly reason: string }[];
  /** Bytes freed on disk (files still linked from uv's cache are not counted). */
  readonly freed: number;
}

/** Interrupted builds are always removed; finished environments per `all` / `olderThanMs`. */
export async function pruneEnvironments(layout: CacheLayout, options: PruneOptions): Promise<PruneResult> {
  const cutoff = (options.now ?? new Date()).getTime() - (options.olderThanMs ?? Number.POSITIVE_INFINITY);
  const removed: CachedEnvironment[] = [];
  const skipped: { env: CachedEnvironment; reason: string }[] = [];
  await mkdir(layout.locks, { recursive: true });
  const stillStale = async (env: CachedEnvironment) =>
    options.all || env.state !== 'ready' || (await stat(join(env.dir, MARKER_FILE))).mtime.getTime() < cutoff;
  for (const env of await listEnvironments(layout)) {
    if (env.state === 'building') {
      if (options.all || options.olderThanMs !== undefined) skipped.push({ env, reason: 'being built' });
      continue;
    }
    const stale = env.state === 'incomplete' || options.all || (env.lastUsed?.getTime() ?? 0) < cutoff;
    if (!stale) continue;
    if (options.dryRun) {
      removed.push(env);
      continue;
    }
    const trash = env.dir.includes(`/${TRASH_PREFIX}`) ? env.dir : await moveToTrash(layout, env, stillStale);
    if (typeof trash !== 'string') {
      skipped.push({ env, reason: trash.reason });
      continue;
    }
    await rm(trash, { recursive: true, force: true });
    if (env.state === 'ready') await rm(layout.logFile(env.hash), { force: true });
    removed.push(env);
  }
  return { removed, skipped, freed: removed.reduce((sum, env) => sum + env.usage.freeable, 0) };
}

/** Renames the folder out of envs/ under its build lock; otherwise says why not. */
async function moveToTrash(
  layout: CacheLayout,
  env: CachedEnvironment,
  stillStale: (env: CachedEnvironment) => Promise<boolean>,
): Promise<string | { reason: string }> {
  const lock = await tryLockFile(layout.lockFile(env.hash));
  if (!lock) return { reason: 'being built' };
  try {
    if (!(await stillStale(env))) return { reason: 'used while pruning' };
    const trash = join(layout.envs, `${TRASH_PREFIX}${env.hash}-${process.pid}-${Date.now()}`);
    await rename(env.dir, trash);
    return trash;
  } finally {
    await lock.release();
  }
}
