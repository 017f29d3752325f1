/** `aviary models ...`: work with models named by URI (models:/name@alias, models:/name/3, runs:/..., models:/m-...). */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { consoleLogger } from '../../common/logger.js';
import { MlflowError } from '../../common/mlflow-error.js';
import { fetchModel, isModelUri } from '../../runtime/model-source.js';
import { addRuntimeOptions } from '../runtime-options.js';
import { addStoreOptions } from '../store-options.js';
import { runCommand } from '../run-command.js';
import { addTrackingUriOption, openModelStore, type TrackingUriOptions } from '../tracking-uri-options.js';
import { addModelsCheckCommand } from './models-check-command.js';
import { predict, type PredictOptions } from './models-predict.js';
import { serve, type ServeOptions } from './models-serve.js';

const MODEL_ARGUMENT = 'a model folder, or models:/name@alias, models:/name/<version>, models:/m-<id>, runs:/<run id>/<path>';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

export function modelsCommand(): Command {
  const models = new Command('models').description('Work with registered and logged models');
  models.addCommand(
    addTrackingUriOption(
      addStoreOptions(
        new Command('download')
          .description('Write the model directory (MLmodel, environment files, weights) named by a model URI')
          .argument('<uri>', 'models:/name@alias, models:/name/<version>, models:/name/latest, models:/m-<id> or runs:/<run id>/<path>')
          .argument('<dir>', 'the folder to write the model into (created if needed)'),
      ),
    ).action((uri: string, dir: string, opts: TrackingUriOptions) =>
      runCommand(async () => {
        if (!isModelUri(uri)) throw MlflowError.invalid(`Invalid model URI '${uri}': expected models:/..., runs:/... or an artifact location`);
        const store = await openModelStore(opts, consoleLogger('models'));
        try {
          const { version, files, artifactUri } = await fetchModel(uri, store, { into: dir });
          const what = version ? `${version.name} version ${version.version}` : artifactUri;
          process.stdout.write(`Downloaded ${what} (${files} files) to ${resolve(dir)}\n`);
        } finally {
          await store.close();
        }
      }),
    ),
  );
  models.addCommand(
    addRuntimeOptions(addTrackingUriOption(addStoreOptions(new Command('predict'))))
      .description('Score a file of input rows with a model in its own environment; writes {"predictions": ...} (JSON) or CSV')
      .argument('<uri>', MODEL_ARGUMENT)
      .requiredOption('--input <file>', "the rows: .json (MLflow's dataframe_split, dataframe_records, instances, inputs, or a list of records), .jsonl, .csv (with a header) or .parquet")
      .option('--output <file>', 'where to write the predictions: .csv for CSV, anything else for JSON (default: JSON on stdout)')
      .action((uri: string, opts: PredictOptions) => runCommand(() => predict(uri, opts))),
  );
  models.addCommand(
    addRuntimeOptions(addTrackingUriOption(addStoreOptions(new Command('serve'))))
      .description("Serve a model with MLflow's scoring protocol: /ping, /health, /version, POST /invocations")
      .argument('<uri>', MODEL_ARGUMENT)
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .requiredOption('--port <port>', 'port to listen on (0 picks a free one)', port)
      .action((uri: string, opts: ServeOptions) => runCommand(() => serve(uri, opts))),
  );
  return addModelsCheckCommand(models);
}
