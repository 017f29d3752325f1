/** The flags every command that opens the data store shares, named as `mlflow server`'s. */
import type { Command } from 'commander';
import { configForDataDir, type AviaryConfig } from '../app/open-aviary.js';

export interface StoreOptions {
  dataDir: string;
  backendStoreUri?: string;
  artifactsDestination?: string;
}

export function addStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where the database and artifacts live by default', './aviary-data')
    .option('--backend-store-uri <uri>', 'database URI (default: sqlite:///<data dir>/aviary.db)')
    .option('--artifacts-destination <dir>', 'artifact root folder (default: <data dir>/artifacts)');
}

export function configFromOptions(opts: StoreOptions): AviaryConfig {
  return configForDataDir(opts.dataDir, { backendStoreUri: opts.backendStoreUri, artifactsDestination: opts.artifactsDestination });
}
