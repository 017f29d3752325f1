/** Copies a file or a folder from an artifact repository to a local folder, streaming each file. */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArtifactRepository } from './artifact-repository.js';

/** Returns the number of files written. An absent path writes nothing and returns 0. */
export async function downloadArtifacts(repo: ArtifactRepository, path: string, destination: string): Promise<number> {
  const entries = await repo.list(path);
  if (entries.length === 0) {
    // A file lists as empty too: try it as a file.
    try {
      const file = await repo.read(path);
      await mkdir(destination, { recursive: true });
      await pipeline(file.stream, createWriteStream(join(destination, path.split('/').pop()!)));
      return 1;
    } catch {
      return 0;
    }
  }
  let count = 0;
  for (const entry of entries) {
    const name = entry.path.split('/').pop()!;
    if (entry.is_dir) {
      count += await downloadArtifacts(repo, entry.path, join(destination, name));
    } else {
      const target = join(destination, name);
      await mkdir(dirname(target), { recursive: true });
      const file = await repo.read(entry.path);
      await pipeline(file.stream, createWriteStream(target));
      count += 1;
    }
  }
  return count;
}
