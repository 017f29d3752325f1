/**
 * Artifacts as plain files under one root folder, the layout MLflow's own local repository
 * uses (`<root>/<experiment>/<run>/artifacts/...`), so a root written by either can be read
 * by the other.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MlflowError } from '../common/mlflow-error.js';
import type { ArtifactFile, ArtifactRepository, FileInfo } from './artifact-repository.js';
import { resolveInsideRoot, safeArtifactPath } from './safe-artifact-path.js';

/** Uploads in progress: beside their target so the final rename never crosses filesystems. */
const TEMP_PREFIX = '.aviary-upload-';
const TEMP_NAME = /^\.aviary-upload-[0-9a-f-]{36}\.tmp$/;

export class LocalArtifactRepository implements ArtifactRepository {
  constructor(private readonly root: string) {}

  get localFolder(): string {
    return this.root;
  }

  async write(path: string, body: Readable): Promise<void> {
    const rel = safeArtifactPath(path);
    if (rel === '') throw MlflowError.invalid('Invalid path: an artifact path is required');
    const target = await this.locate(rel);
    if ((await stat(target).catch(() => undefined))?.isDirectory()) throw isFolder(rel);
    const folder = dirname(target);
    const temp = join(folder, `${TEMP_PREFIX}${randomUUID()}.tmp`);
    try {
      await mkdir(folder, { recursive: true });
      await pipeline(body, createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, target);
    } catch (err) {
      // Best effort: the cleanup must not hide why the write failed.
      await rm(temp, { force: true }).catch(() => undefined);
      throw fsError(err, rel);
    }
  }

  async read(path: string): Promise<ArtifactFile> {
    const rel = safeArtifactPath(path);
    const handle = await open(await this.locate(rel), 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOTDIR' ? notFound(rel) : fsError(err, rel);
    });
    try {
      const info = await handle.stat();
      if (info.isDirectory()) throw isFolder(rel);
      return { size: info.size, stream: handle.createReadStream() };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async list(path: string): Promise<FileInfo[]> {
    const rel = safeArtifactPath(path);
    const folder = await this.locate(rel);
    const entries = await readdir(folder, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
      throw err;
    });
    const infos: FileInfo[] = [];
    for (const entry of entries) {
      if (TEMP_NAME.test(entry.name)) continue;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      // Only a link can lead elsewhere; plain entries of a checked folder need no second check.
      const where = entry.isSymbolicLink() ? await this.locate(child).catch(() => undefined) : join(folder, entry.name);
      const info = where && (await stat(where).catch(() => undefined));
      if (!info) continue; // a link leading outside, an unsafe name, or gone meanwhile
      infos.push(info.isDirectory() ? { path: child, is_dir: true } : { path: child, is_dir: false, file_size: info.size });
    }
    return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async delete(path: string): Promise<void> {
    const rel = safeArtifactPath(path);
    if (rel === '') throw MlflowError.invalid('Invalid path: the artifact root cannot be deleted');
    await rm(await this.locate(rel), { recursive: true, force: true });
  }

  /** The root is made on demand, every time: a root removed under a running server comes back. */
  private async locate(rel: string): Promise<string> {
    await mkdir(this.root, { recursive: true });
    return resolveInsideRoot(this.root, rel);
  }
}

function notFound(rel: string): MlflowError {
  return MlflowError.notFound(`No such artifact: '${rel}'`);
}

function isFolder(rel: string): MlflowError {
  return MlflowError.invalid(`Artifact path refers to a directory, not a file: '${rel}'`);
}

/** Filesystem failures a client caused, in MLflow's terms; anything else stays a server error. */
function fsError(err: unknown, rel: string): unknown {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return notFound(rel);
    case 'EISDIR':
      return isFolder(rel);
    case 'ENOTDIR':
    case 'EEXIST':
      return MlflowError.invalid(`Invalid path: a parent of '${rel}' is a file, not a directory`);
    case 'ENAMETOOLONG':
      return MlflowError.invalid(`Invalid path: a name in '${rel}' is too long`);
    default:
      return err;
  }
}
