/**
 * `aviary models predict <uri> --input <file> [--output <file>]`: scores a file of input rows with
 * a model, in its own environment, and writes {"predictions": ...} (JSON) or CSV by the output's
 * extension. Long inputs are scored in chunks, with progress on stderr.
 */
import { access, writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { consoleLogger } from '../../common/logger.js';
import { loadModel } from '../../runtime/load-model.js';
import { batchForModel } from '../../runtime/model-input/batch-for-model.js';
import { readInputFile } from '../../runtime/model-input/read-input-file.js';
import { predictionsCsv, predictionsJson } from '../../runtime/model-output/predictions-output.js';
import type { Predictions } from '../../runtime/model-runtime.js';
import { isModelUri } from '../../runtime/model-source.js';
import { concatPredictions, sliceBatch } from '../../runtime/worker/batch-slices.js';
import { loadOptionsFrom, type RuntimeOptions } from '../runtime-options.js';
import { openModelStore, type OpenedModelStore, type TrackingUriOptions } from '../tracking-uri-options.js';

export interface PredictOptions extends TrackingUriOptions, RuntimeOptions {
  input: string;
  output?: string;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

export async function predict(uri: string, opts: PredictOptions): Promise<void> {
  await access(opts.input).catch(() => {
    throw new Error(`--input ${opts.input}: no such file`);
  });
  // Read once before the model loads (which can take minutes), so that a bad input fails at once;
  // again once the model's signature is known, which orders and types the columns.
  const unshaped = await readInputFile(opts.input);
  const logger = consoleLogger('models');
  let store: OpenedModelStore | undefined;
  try {
    if (isModelUri(uri)) store = await openModelStore(opts, logger);
    const model = await loadModel(uri, loadOptionsFrom(opts, store, logger));
    try {
      const request = model.signature?.inputs ? await readInputFile(opts.input, model.signature.inputs) : unshaped;
      const batch = batchForModel(request.table, model.signature?.inputs, request.params);
      const chunkRows = Math.max(10_000, opts.batchSize * opts.workers * 4);
      const chunks = sliceBatch(batch, chunkRows);
      const started = performance.now();
      const parts: Predictions[] = [];
      let done = 0;
      for (const chunk of chunks) {
        parts.push(await model.runtime.predict(chunk));
        done += chunk.rows;
        if (chunks.length > 1) say(`${model.name}: scored ${done}/${batch.rows} rows (${Math.round((100 * done) / batch.rows)}%)`);
      }
      const predictions = concatPredictions(parts);
      const seconds = (performance.now() - started) / 1000;
      say(`${model.name}: ${batch.rows} rows scored in ${seconds.toFixed(1)}s`);
      const asCsv = opts.output !== undefined && extname(opts.output).toLowerCase() === '.csv';
      const text = asCsv ? predictionsCsv(predictions) : `${predictionsJson(predictions)}\n`;
      if (opts.output) {
        await writeFile(opts.output, text);
        say(`predictions written to ${resolve(opts.output)}`);
      } else process.stdout.write(text);
    } finally {
      await model.close();
    }
  } finally {
    await store?.close();
  }
}
