/**
 * Alerts from Parquet files as Spark writes them (Fink's archives: nested structs, arrays of
 * structs, snappy), one row group in memory at a time. int64 columns decode to BigInt, binary
 * columns (cutouts) stay bytes, UTF8 columns become strings.
 *
 * Failures: an unreadable footer ends the file with one dead letter; a row group that does not
 * decode yields a dead letter naming it and reading resumes at the next row group.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { AlertOrigin, AlertSource, AlertSourceItem } from './alert-source.js';
import { deadLetter, reasonOf } from './alert-source.js';
import { expandAlertPaths } from './alert-paths.js';
import { FilesAlertSource } from './files-alert-source.js';

/** Parquet alerts from files, folders (recursively) and globs. */
export function parquetAlertSource(paths: string | readonly string[]): AlertSource {
  const list = typeof paths === 'string' ? [paths] : paths;
  return new FilesAlertSource(`Parquet alerts from ${list.join(', ')}`, { [Symbol.asyncIterator]: () => expandAlertPaths(list) }, async () => readParquetFile, 'parquet');
}

export async function* readParquetFile(file: string): AsyncGenerator<AlertSourceItem> {
  const at = (extra: Partial<AlertOrigin>): AlertOrigin => ({ file, format: 'parquet', ...extra });
  let buffer: AsyncBuffer | undefined, metadata: FileMetaData;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    // The footer is read from the end of the file: a truncated file loses it first.
    const end = buffer?.byteLength;
    const where = end === undefined ? '' : ` (the footer ends the file, at byte ${end})`;
    yield deadLetter(at({ index: 0, byteOffset: end }), `unreadable Parquet footer${where}: ${reasonOf(err)}`);
    return;
  }
  let rowStart = 0;
  for (const [block, group] of metadata.row_groups.entries()) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, compressors, utf8: false });
      if (rows.length !== rowEnd - rowStart) throw new Error(`${rows.length} rows decoded, ${rowEnd - rowStart} expected`);
    } catch (err) {
      yield deadLetter(at({ block, index: rowStart }), `row group ${block} (rows ${rowStart} to ${rowEnd - 1}) does not decode: ${reasonOf(err)}`);
      rowStart = rowEnd;
      continue;
    }
    for (const [i, row] of rows.entries()) {
      yield { kind: 'alert', payload: row, origin: at({ block, index: rowStart + i }) };
    }
    rowStart = rowEnd;
  }
}
