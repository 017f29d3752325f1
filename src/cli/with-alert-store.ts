/** The alert store a command reads (--alert-store-uri, else the data dir's), closed when the command's body ends. */
import { existsSync } from 'node:fs';
import type { AlertStore } from '../broker/store/alert-store.js';
import { openAlertStore } from '../broker/store/open-alert-store.js';
import { sqlitePathOf } from '../store/sql/open-database.js';
import { configFromOptions, type StoreOptions } from './store-options.js';

/** A SQLite file that is not there is an error naming it: opening would create an empty store. */
export async function withAlertStore<T>(opts: StoreOptions, body: (store: AlertStore) => Promise<T>): Promise<T> {
  const uri = opts.alertStoreUri ?? configFromOptions(opts).alertStoreUri!;
  const path = sqlitePathOf(uri);
  if (path !== undefined && path !== ':memory:' && !existsSync(path)) {
    throw new Error(`no alert store at ${path}: run \`aviary broker run <config>\` with the same --data-dir to fill it`);
  }
  const store = await openAlertStore(uri);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}
