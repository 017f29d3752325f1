/**
 * Where environments live under the cache root, and the marker that says one is complete:
 *   <root>/envs/<hash>/              a finished environment; aviary-env.json inside, written last
 *   <root>/envs/.tmp-<hash>-<pid>-*  a build under way (renamed to envs/<hash> when complete)
 *   <root>/logs/<hash>.log           the full log of every build of <hash>
 *   <root>/locks/<hash>.lock         flock'd while <hash> is built or pruned
 * uv and its wheel cache live under <tools root>/python/ (uv-<version>, uv-cache), the folders
 * scripts/python-env.sh uses, so the test environment and model environments share one uv and
 * one download cache.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NormalisedSpec } from './spec-hash.js';

export const MARKER_FILE = 'aviary-env.json';
export const TMP_PREFIX = '.tmp-';

/** `${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aviary}`, as scripts/python-env.sh has it. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AVIARY_CACHE_DIR) return resolve(env.AVIARY_CACHE_DIR);
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || '/tmp', '.cache');
  return resolve(cacheHome, 'aviary');
}

export class CacheLayout {
  readonly root: string;
  readonly envs: string;
  readonly logs: string;
  readonly locks: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.envs = join(this.root, 'envs');
    this.logs = join(this.root, 'logs');
    this.locks = join(this.root, 'locks');
  }

  envDir(hash: string): string {
    return join(this.envs, hash);
  }

  logFile(hash: string): string {
    return join(this.logs, `${hash}.log`);
  }

  lockFile(hash: string): string {
    return join(this.locks, `${hash}.lock`);
  }

  tmpDir(hash: string): string {
    return join(this.envs, `${TMP_PREFIX}${hash}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  }
}

/** What `aviary-env.json` records about a finished environment. */
export interface EnvMarker {
  readonly hash: string;
  readonly spec: NormalisedSpec;
  /** The base interpreter the environment was made from. */
  readonly python: { readonly version: string; readonly executable: string };
  /** ISO time the build finished. */
  readonly created: string;
  /** "uv 0.13.9" or "venv+pip". */
  readonly builder: string;
  readonly buildSeconds: number;
}

export async function writeMarker(dir: string, marker: EnvMarker): Promise<void> {
  await writeFile(join(dir, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
}

/**
 * The marker of a finished, usable environment, or undefined: no marker (never finished, or an
 * interrupted build), an unreadable one, or a python that no longer starts from a stat (the base
 * interpreter it links to was removed).
 */
export async function readMarker(dir: string): Promise<EnvMarker | undefined> {
  try {
    const marker = JSON.parse(await readFile(join(dir, MARKER_FILE), 'utf8')) as EnvMarker;
    if (typeof marker.hash !== 'string' || typeof marker.python?.version !== 'string') return undefined;
    if (!(await stat(envPython(dir))).isFile()) return undefined;
    return marker;
  } catch {
    return undefined;
  }
}

export function envPython(dir: string): string {
  return join(dir, 'bin', 'python');
}
