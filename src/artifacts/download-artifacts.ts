/**
 * Copies a file or a folder from an artifact repository to a local folder: the tree listed
 * first, then a few files at a time, each streamed to disk. Listed names are checked before
 * anything is written, so a repository (a remote server) cannot place a file outside `destination`.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MlflowError } from '../common/mlflow-error.js';
import type { ArtifactReader, FileInfo } from './artifact-repository.js';
import { safeArtifactPath } from './safe-artifact-path.js';

/** Files downloaded side by side: enough to hide a remote server's latency, few enough not to flood it. */
const PARALLEL_FILES = 4;

interface FileToCopy {
  /** In the repository. */
  readonly path: string;
  /** Under the destination, one checked segment each. */
  readonly segments: readonly string[];
}

/** Returns the number of files written. An absent path writes nothing and returns 0. */
export async function downloadArtifacts(repo: ArtifactReader, path: string, destination: string): Promise<number> {
  const files = await filesUnder(repo, path, []);
  if (files.length === 0) {
    // A file lists as empty too: try it as a file (absent, or an empty folder: nothing to copy).
    try {
      const file = await repo.read(path);
      await mkdir(destination, { recursive: true });
      await pipeline(file.stream, createWriteStream(join(destination, path.split('/').pop()!)));
      return 1;
    } catch (err) {
      if (err instanceof MlflowError && (err.code === 'RESOURCE_DOES_NOT_EXIST' || err.code === 'INVALID_PARAMETER_VALUE')) return 0;
      throw err;
    }
  }
  await copyFiles(repo, files, destination);
  return files.length;
}

async function filesUnder(repo: ArtifactReader, folder: string, segments: readonly string[]): Promise<FileToCopy[]> {
  const files: FileToCopy[] = [];
  for (const entry of await repo.list(folder)) {
    const name = childName(folder, entry);
    if (entry.is_dir) files.push(...(await filesUnder(repo, entry.path, [...segments, name])));
    else files.push({ path: entry.path, segments: [...segments, name] });
  }
  return files;
}

/** The entry's name inside `folder`; refused unless the entry is a direct child of it. */
function childName(folder: string, entry: FileInfo): string {
  const path = safeArtifactPath(entry.path);
  const prefix = folder === '' ? '' : `${folder}/`;
  const name = path.slice(prefix.length);
  if (!path.startsWith(prefix) || name === '' || name.includes('/')) {
    throw MlflowError.invalid(`Invalid path: '${entry.path}' is listed in '${folder}' but is not a name inside it`);
  }
  return name;
}

/** Stops taking new files at the first failure and waits for those under way, so nothing writes after it returns. */
async function copyFiles(repo: ArtifactReader, files: readonly FileToCopy[], destination: string): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < files.length) {
      const file = files[next++]!;
      try {
        const target = join(destination, ...file.segments);
        await mkdir(dirname(target), { recursive: true });
        const { stream } = await repo.read(file.path);
        await pipeline(stream, createWriteStream(target));
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, files.length) }, worker));
  if (failure !== undefined) throw failure;
}
