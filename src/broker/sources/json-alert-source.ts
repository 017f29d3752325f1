/**
 * Alerts from JSON files: JSON lines (one alert per line), pretty-printed alerts one after
 * another, or one array of alerts. Integers beyond 2^53 decode to BigInt (exact ids); bytes,
 * if present, are whatever the writer put (usually base64 strings). The file streams: one
 * alert in memory at a time.
 *
 * Failures: a value that does not parse, or is not an object, yields a dead letter with its
 * line and byte offset and reading resumes with the next value; an unfinished last value (a
 * truncated file) yields a dead letter too.
 */
import { createReadStream } from 'node:fs';
import { parseExactJson } from '../../common/exact-json-parse.js';
import type { AlertOrigin, AlertSource, AlertSourceItem } from './alert-source.js';
import { deadLetter, reasonOf } from './alert-source.js';
import { expandAlertPaths } from './alert-paths.js';
import { FilesAlertSource } from './files-alert-source.js';
import { JsonValueSplitter, type JsonValueText } from './json/json-value-splitter.js';

/** JSON alerts from files, folders (recursively) and globs. */
export function jsonAlertSource(paths: string | readonly string[]): AlertSource {
  const list = typeof paths === 'string' ? [paths] : paths;
  return new FilesAlertSource(`JSON alerts from ${list.join(', ')}`, { [Symbol.asyncIterator]: () => expandAlertPaths(list) }, async () => readJsonFile, 'json');
}

export async function* readJsonFile(file: string): AsyncGenerator<AlertSourceItem> {
  let index = 0;
  const origin = (value: Pick<JsonValueText, 'byteOffset' | 'line'>): AlertOrigin => ({
    file,
    format: 'json',
    index,
    byteOffset: value.byteOffset,
    line: value.line,
  });
  const toItem = (value: JsonValueText): AlertSourceItem => {
    try {
      const payload = parseExactJson(value.bytes.toString('utf8'));
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new Error('not a JSON object');
      return { kind: 'alert', payload: payload as Record<string, unknown>, origin: origin(value) };
    } catch (err) {
      return deadLetter(origin(value), `not an alert: ${reasonOf(err)}`);
    }
  };
  const splitter = new JsonValueSplitter();
  const stream = createReadStream(file);
  try {
    for await (const chunk of stream) {
      for (const value of splitter.push(chunk as Buffer)) {
        yield toItem(value);
        index += 1;
      }
    }
  } catch (err) {
    yield deadLetter({ file, format: 'json', index }, `cannot read: ${reasonOf(err)}`);
    return;
  } finally {
    // Wait for the descriptor to close: a reader that stops early leaves nothing open behind it.
    if (!stream.closed) await new Promise<void>((resolve) => stream.once('close', () => resolve()).destroy());
  }
  const rest = splitter.end();
  if (rest?.complete) yield toItem(rest);
  else if (rest) yield deadLetter(origin(rest), `truncated: the value starting at line ${rest.line} is not closed before the end of the file`);
}
