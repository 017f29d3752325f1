/**
 * Alerts from Avro object container files (one or many alerts a file), decoded with each
 * file's embedded writer schema: ZTF 3.x/4.x (raw or Fink-enriched, Spark's `topLevelRecord`),
 * Rubin lsst.v7_x to v11_0. One block is decoded at a time.
 *
 * Failures: a header that cannot be read, a truncated or corrupt block (wrong sync marker) end
 * the file with one dead letter; a record that does not decode inside an intact block costs the
 * rest of that block (record boundaries are lost) and reading resumes at the next block.
 */
import type { AlertOrigin, AlertSource, AlertSourceItem } from './alert-source.js';
import { deadLetter, reasonOf } from './alert-source.js';
import { alertTypeFor } from './avro/avro-alert-type.js';
import { avroCodec } from './avro/avro-codecs.js';
import { AvroContainerReader, AvroFramingError, type AvroBlock } from './avro/avro-container-reader.js';
import type { ByteReader } from './byte-reader.js';
import { FileByteReader } from './file-byte-reader.js';
import { expandAlertPaths } from './alert-paths.js';
import { FilesAlertSource } from './files-alert-source.js';
import type avro from 'avsc';

/** Avro alerts from files, folders (recursively) and globs. */
export function avroAlertSource(paths: string | readonly string[]): AlertSource {
  const list = typeof paths === 'string' ? [paths] : paths;
  return new FilesAlertSource(`Avro alerts from ${list.join(', ')}`, { [Symbol.asyncIterator]: () => expandAlertPaths(list) }, async () => readAvroFile, 'avro');
}

export async function* readAvroFile(file: string): AsyncGenerator<AlertSourceItem> {
  let reader: FileByteReader;
  try {
    reader = await FileByteReader.open(file);
  } catch (err) {
    yield deadLetter({ file, format: 'avro', index: 0 }, `cannot open: ${reasonOf(err)}`);
    return;
  }
  try {
    yield* readAvroContainer(reader, (index, extra) => ({ file, format: 'avro', index, ...extra }));
  } finally {
    await reader.close();
  }
}

/** The records of one Avro container (a file, or a Kafka message holding one), each placed by `origin`. */
export async function* readAvroContainer(reader: ByteReader, origin: (index: number, extra?: Partial<AlertOrigin>) => AlertOrigin): AsyncGenerator<AlertSourceItem> {
  let index = 0;
  const at = (extra: Partial<AlertOrigin> = {}): AlertOrigin => origin(index, extra);
  const container = new AvroContainerReader(reader);
  let type: avro.Type, name: string | undefined, codec: (b: Buffer) => Buffer, writerSchema: unknown;
  try {
    const header = await container.readHeader();
    ({ type, name, writerSchema } = alertTypeFor(header.schemaText));
    codec = avroCodec(header.codec);
  } catch (err) {
    const framing = err instanceof AvroFramingError;
    yield deadLetter(at({ byteOffset: framing ? err.byteOffset : 0 }), framing ? reasonOf(err) : `unreadable Avro header: ${reasonOf(err)}`);
    return;
  }
  for (;;) {
    let block: AvroBlock | undefined;
    try {
      block = await container.nextBlock(codec);
    } catch (err) {
      const framing = err instanceof AvroFramingError ? err : undefined;
      yield deadLetter(at({ byteOffset: framing?.byteOffset, block: framing?.block }), reasonOf(err));
      return;
    }
    if (!block) return;
    const blockAt = { byteOffset: block.byteOffset, block: block.index };
    let pos = 0;
    let broken = false;
    for (let i = 0; i < block.count; i++) {
      let decoded: { value: unknown; offset: number };
      try {
        decoded = type.decode(block.data, pos);
        if (decoded.offset < 0) throw new Error('the record runs past the end of its block');
      } catch (err) {
        yield deadLetter(
          at(blockAt),
          `record ${i} of block ${block.index} does not decode with the file's schema (${reasonOf(err)}); the block's ${block.count - i} remaining records are skipped`,
        );
        index += block.count - i;
        broken = true;
        break;
      }
      pos = decoded.offset;
      yield { kind: 'alert', payload: decoded.value as Record<string, unknown>, origin: at(blockAt), schemaName: name, writerSchema };
      index += 1;
    }
    if (!broken && pos !== block.data.length) {
      yield deadLetter(at(blockAt), `block ${block.index} holds ${block.data.length - pos} bytes after its ${block.count} records: the schema does not match the data`);
    }
  }
}
