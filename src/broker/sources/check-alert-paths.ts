/**
 * The paths given as a run's source checked before anything loads: each must name an existing
 * file, a folder holding at least one alert file, or a glob matching at least one file. A URL
 * (http://...) is refused by name: only files are read here (a kafka:// stream is checked by
 * its own parser). Without this a typo gave a
 * "successful" run of zero alerts after minutes of loading models.
 */
import { expandAlertPaths } from './alert-paths.js';

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

export async function checkAlertPaths(paths: readonly string[]): Promise<void> {
  if (paths.length === 0) throw new Error('no alert source given: name alert files, folders or globs');
  for (const path of paths) {
    if (URL_LIKE.test(path)) {
      throw new Error(`unsupported alert source ${path}: Aviary reads alert files, folders and globs (Avro, Parquet, JSON lines), or one kafka:// stream`);
    }
    // The first entry is enough: a folder or glob is listed lazily, so this reads one folder entry, not the tree.
    const entries = expandAlertPaths([path]);
    const first = await entries.next();
    await entries.return(undefined);
    if (first.done) throw new Error(`alert source ${path}: nothing to read`);
    if (first.value.error !== undefined) throw new Error(`alert source ${path}: ${first.value.error}`);
  }
}
