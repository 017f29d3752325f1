/**
 * One AlertSource over files, folders and globs of any supported format: each file's format is
 * picked from its magic bytes (then its extension), so a folder may mix Avro, Parquet and JSON.
 */
import type { AlertFileFormat, AlertSource } from './alert-source.js';
import { expandAlertPaths } from './alert-paths.js';
import { readAvroFile } from './avro-alert-source.js';
import { detectAlertFormat } from './detect-alert-format.js';
import { FilesAlertSource, type AlertFileReader } from './files-alert-source.js';
import { readJsonFile } from './json-alert-source.js';
import { readParquetFile } from './parquet-alert-source.js';

const READERS: Record<AlertFileFormat, AlertFileReader> = {
  avro: readAvroFile,
  parquet: readParquetFile,
  json: readJsonFile,
};

export function openAlertSource(paths: string | readonly string[]): AlertSource {
  const list = typeof paths === 'string' ? [paths] : paths;
  return new FilesAlertSource(`alerts from ${list.join(', ')}`, { [Symbol.asyncIterator]: () => expandAlertPaths(list) }, readerFor);
}

async function readerFor(file: string): Promise<AlertFileReader | string> {
  const format = await detectAlertFormat(file);
  return format ? READERS[format] : 'unknown format: neither Avro (Obj\\x01), Parquet (PAR1) nor JSON, and no known extension';
}
