/**
 * A Parquet file (or body) as an InputTable, read with hyparquet and its compressors (snappy,
 * gzip, zstd, brotli, lz4). 64-bit integers come back as bigint: batch-for-model.ts turns them
 * into numbers for numeric columns and keeps their digits elsewhere.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { MlflowError } from '../../common/mlflow-error.js';
import type { InputTable } from './input-table.js';

export async function tableFromParquetFile(path: string): Promise<InputTable> {
  return tableFromParquet(await asyncBufferFromFile(path), path);
}

export async function tableFromParquetBytes(bytes: Uint8Array): Promise<InputTable> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return tableFromParquet(buffer, 'the request body');
}

async function tableFromParquet(file: AsyncBuffer, what: string): Promise<InputTable> {
  try {
    const metadata = await parquetMetadataAsync(file);
    // pandas keeps a non-default index as __index_level_0__, ...: it is not model input.
    const names = parquetSchema(metadata)
      .children.map((child) => child.element.name)
      .filter((name) => !name.startsWith('__index_level_'));
    const records = await parquetReadObjects({ file, metadata, compressors, rowFormat: 'object' });
    return { names, columns: names.map((name) => records.map((r) => r[name] ?? null)), rows: records.length };
  } catch (err) {
    throw new MlflowError(
      'BAD_REQUEST',
      `Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid Parquet Pandas DataFrame produced using the \`pandas.DataFrame.to_parquet()\` method. Error: '${(err as Error).message}' (${what})`,
    );
  }
}
