/**
 * One local PostgreSQL cluster (tests/ts/postgres/local-postgres.ts) for the whole run, and a
 * fresh database on it for every server start. MLflow reaches it through psycopg2, named in its
 * URI: its SQLAlchemy would otherwise pick psycopg 3, which the pinned environment does not hold.
 */
import { rmSync } from 'node:fs';
import { LocalPostgres } from '../../tests/ts/postgres/local-postgres.js';
import { MODEL_TABLES, seedModelsPostgres } from './registry-seed.js';
import { RUN_TABLES, seedPostgres } from './seed.js';
import type { StoreBackend } from './store-backend.js';

export async function startPostgresBackend(): Promise<StoreBackend> {
  const cluster = await LocalPostgres.start();
  // Whatever ends the bench (an error, Ctrl-C), the cluster and its folder do not outlive it.
  const onExit = () => {
    if (cluster.pid !== undefined) {
      try {
        process.kill(cluster.pid, 'SIGQUIT');
      } catch {
        // already stopped
      }
    }
    rmSync(cluster.dir, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  const { server_version: version } = (await cluster.query('SHOW server_version')).rows[0] as { server_version: string };
  let databases = 0;
  return {
    name: 'postgres',
    label: 'PostgreSQL',
    description:
      `PostgreSQL ${version.split(' ')[0]}: one local cluster for both servers, a fresh database for each server start, reached over TCP on 127.0.0.1; ` +
      'fsync, synchronous_commit and full_page_writes off (a throwaway cluster: no commit waits for the disk, on either server); ' +
      'rows seeded past the API go in as multi-row INSERTs in one transaction, then ANALYZE, as autovacuum would soon after; ' +
      "PostgreSQL's own processes (one per connection) are in neither server's memory below",
    async freshDatabase(kind) {
      const uri = await cluster.createDatabase(`bench_${kind}_${++databases}`);
      return { storeUri: kind === 'mlflow' ? uri.replace(/^postgresql:/, 'postgresql+psycopg2:') : uri, seedTarget: uri };
    },
    seedRuns(db, kind, experimentId, from, to) {
      return seedPostgres(db.seedTarget, RUN_TABLES[kind], experimentId, from, to);
    },
    seedModels(db, kind, run, from, to) {
      return seedModelsPostgres(db.seedTarget, MODEL_TABLES[kind], run, from, to);
    },
    async close() {
      process.off('exit', onExit);
      await cluster.stop();
    },
  };
}
