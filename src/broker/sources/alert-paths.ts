/**
 * The files a list of paths names, in a stable order: a file as given; a folder walked
 * recursively (sorted by name, hidden and `_`-prefixed files such as Spark's `_SUCCESS`
 * skipped) keeping alert files only (.avro, .parquet, .jsonl, .ndjson: a folder of alerts
 * often holds a schema .json beside them); a glob (`*`, `**`, `?`, `[...]`, `{a,b}`) matched
 * against the files under its fixed leading folders. Folders are listed lazily, one at a time.
 * A missing path or a glob matching nothing comes out as an entry with an error.
 */
import { opendir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { FileEntry } from './files-alert-source.js';
import { globBase, globToRegExp, isGlob } from './glob-pattern.js';

export const ALERT_FILE_EXTENSIONS = ['.avro', '.parquet', '.jsonl', '.ndjson'] as const;

const isAlertFileName = (name: string) => ALERT_FILE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));
const isSkipped = (name: string) => name.startsWith('.') || name.startsWith('_');

export async function* expandAlertPaths(paths: readonly string[]): AsyncGenerator<FileEntry> {
  for (const path of paths) {
    if (isGlob(path)) {
      yield* expandGlob(path);
      continue;
    }
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => err);
    if (info instanceof Error) {
      yield { file: path, error: info.code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${info.message}` };
    } else if (info.isDirectory()) {
      let found = false;
      for await (const file of walk(resolve(path))) {
        if (!isAlertFileName(file)) continue;
        found = true;
        yield { file };
      }
      if (!found) yield { file: path, error: `the folder holds no alert file (${ALERT_FILE_EXTENSIONS.join(', ')})` };
    } else {
      yield { file: path };
    }
  }
}

async function* expandGlob(pattern: string): AsyncGenerator<FileEntry> {
  const absolute = resolve(pattern);
  const base = globBase(absolute);
  const matcher = globToRegExp(absolute);
  let found = false;
  for await (const file of walk(base)) {
    if (!matcher.test(file)) continue;
    found = true;
    yield { file };
  }
  if (!found) yield { file: pattern, error: 'the pattern matches no file' };
}

/** Files under `dir`, depth first, sorted by name; an unreadable folder yields nothing. */
async function* walk(dir: string): AsyncGenerator<string> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch {
    return;
  }
  const entries: { name: string; isDir: boolean }[] = [];
  for await (const entry of handle) {
    if (!isSkipped(entry.name)) entries.push({ name: entry.name, isDir: entry.isDirectory() });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = dir.endsWith(sep) ? dir + entry.name : join(dir, entry.name);
    if (entry.isDir) yield* walk(path);
    else yield path;
  }
}
