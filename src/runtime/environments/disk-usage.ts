/**
 * The space a folder takes on disk, each inode counted once. uv hardlinks installed files from
 * its wheel cache, so removing an environment frees only what nothing outside it links to:
 * `freeable` counts the files whose every link lies inside the folder.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskUsage {
  readonly bytes: number;
  readonly freeable: number;
}

export async function diskUsage(dir: string): Promise<DiskUsage> {
  // links: a file's hard links (a folder's nlink counts its subfolders' "..", not other names).
  const inodes = new Map<string, { bytes: number; links: number; seen: number }>();
  const walk = async (path: string): Promise<void> => {
    const info = await lstat(path).catch(() => undefined);
    if (!info) return;
    const key = `${info.dev}:${info.ino}`;
    const known = inodes.get(key);
    if (known) known.seen += 1;
    else inodes.set(key, { bytes: info.blocks * 512, links: info.isDirectory() ? 1 : info.nlink, seen: 1 });
    if (info.isDirectory()) {
      const names = await readdir(path).catch(() => [] as string[]);
      await Promise.all(names.map((name) => walk(join(path, name))));
    }
  };
  await walk(dir);
  let bytes = 0;
  let freeable = 0;
  for (const inode of inodes.values()) {
    bytes += inode.bytes;
    if (inode.seen >= inode.links) freeable += inode.bytes;
  }
  return { bytes, freeable };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
