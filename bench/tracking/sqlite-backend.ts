/** Each server's SQLite file in its own folder, as each creates it by default. */
import { join } from 'node:path';
import { MODEL_TABLES, seedModelsSqlite } from './registry-seed.js';
import { RUN_TABLES, seedSqlite } from './seed.js';
import type { StoreBackend } from './store-backend.js';

export function sqliteBackend(): StoreBackend {
  return {
    name: 'sqlite',
    label: 'SQLite',
    description: "SQLite: a file in each server's own folder, opened with each server's own settings",
    async freshDatabase(kind, dir) {
      if (kind === 'aviary') return { seedTarget: join(dir, 'aviary.db') };
      return { storeUri: `sqlite:///${dir}/mlflow.db`, seedTarget: join(dir, 'mlflow.db') };
    },
    async seedRuns(db, kind, experimentId, from, to) {
      return seedSqlite(db.seedTarget, RUN_TABLES[kind], experimentId, from, to);
    },
    async seedModels(db, kind, run, from, to) {
      return seedModelsSqlite(db.seedTarget, MODEL_TABLES[kind], run, from, to);
    },
    async close() {},
  };
}
