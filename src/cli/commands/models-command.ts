/** `aviary models ...`: work with models named by URI (models:/name@alias, models:/name/3, runs:/..., models:/m-...). */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { openAviary } from '../../app/open-aviary.js';
import { consoleLogger } from '../../common/logger.js';
import { MlflowError } from '../../common/mlflow-error.js';
import { fetchModel, isModelUri } from '../../runtime/model-source.js';
import { addStoreOptions, configFromOptions, type StoreOptions } from '../store-options.js';
import { runCommand } from '../run-command.js';

export function modelsCommand(): Command {
  const models = new Command('models').description('Work with registered and logged models');
  models.addCommand(
    addStoreOptions(
      new Command('download')
        .description('Write the model directory (MLmodel, environment files, weights) named by a model URI')
        .argument('<uri>', 'models:/name@alias, models:/name/<version>, models:/name/latest, models:/m-<id> or runs:/<run id>/<path>')
        .argument('<dir>', 'the folder to write the model into (created if needed)'),
    ).action((uri: string, dir: string, opts: StoreOptions) =>
      runCommand(async () => {
        const aviary = await openAviary(configFromOptions(opts), consoleLogger('models'));
        try {
          if (!isModelUri(uri)) throw MlflowError.invalid(`Invalid model URI '${uri}': expected models:/..., runs:/... or an artifact location`);
          const { version, files, artifactUri } = await fetchModel(uri, aviary, { into: dir });
          const what = version ? `${version.name} version ${version.version}` : artifactUri;
          process.stdout.write(`Downloaded ${what} (${files} files) to ${resolve(dir)}\n`);
        } finally {
          await aviary.close();
        }
      }),
    ),
  );
  return models;
}
