/**
 * A file of model input, by its extension: .json (MLflow's dataframe_split, dataframe_records,
 * instances or inputs, or a plain list of records), .jsonl (one record per line), .csv (with a
 * header) or .parquet.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Schema } from '../model-format/ml-model.js';
import { tableFromCsv } from './csv-table.js';
import { invalidInput, tableFromRecords } from './input-table.js';
import { tableFromParquetFile } from './parquet-table.js';
import { parseScoringJson, type ScoringRequest } from './scoring-request.js';

export const INPUT_EXTENSIONS = ['.json', '.jsonl', '.csv', '.parquet'];

export async function readInputFile(path: string, inputs?: Schema): Promise<ScoringRequest> {
  const extension = extname(path).toLowerCase();
  if (extension === '.parquet' || extension === '.pq') return { table: await tableFromParquetFile(path) };
  if (!INPUT_EXTENSIONS.includes(extension)) {
    throw new Error(`${path}: cannot tell the input format from the extension "${extension}" (expected ${INPUT_EXTENSIONS.join(', ')})`);
  }
  const text = await readFile(path, 'utf8');
  if (extension === '.csv') return { table: tableFromCsv(text, inputs) };
  if (extension === '.json') return parseScoringJson(text, inputs, { allowList: true });
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return {
    table: tableFromRecords(
      lines.map((line, i) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (err) {
          throw invalidInput(`line ${i + 1} of ${path} is not JSON: ${(err as Error).message}`);
        }
      }),
    ),
  };
}
