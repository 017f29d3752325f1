/** The flags every command that opens the data store shares, named as `mlflow server`'s; and where alerts are kept. */
import { Option, type Command } from 'commander';
import { configForDataDir, type AviaryConfig } from '../app/open-aviary.js';

export interface StoreOptions {
  dataDir: string;
  backendStoreUri?: string;
  artifactsDestination?: string;
  /** Given by the commands that read or write alerts (alertStoreOption). */
  alertStoreUri?: string;
}

export function addStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where the database and artifacts live by default', './aviary-data')
    .option('--backend-store-uri <uri>', 'database URI: sqlite:///<path> or postgresql://<user>:<password>@<host>:<port>/<database> (default: sqlite:///<data dir>/aviary.db)')
    .option('--artifacts-destination <dir>', 'artifact root folder (default: <data dir>/artifacts)');
}

export function configFromOptions(opts: StoreOptions): AviaryConfig {
  return configForDataDir(opts.dataDir, { backendStoreUri: opts.backendStoreUri, artifactsDestination: opts.artifactsDestination, alertStoreUri: opts.alertStoreUri });
}

/** --alert-store-uri of `broker run`, `server` and `alerts`: SQLite in the data dir unless a URI says otherwise. */
export function alertStoreOption(): Option {
  return new Option(
    '--alert-store-uri <uri>',
    'where alerts are kept: sqlite:///<path> or postgresql://<user>:<password>@<host>:<port>/<database> (default: sqlite:///<data dir>/alerts.db)',
  );
}
