/**
 * The model registry phase: registered models seeded in both servers, then the two reads a
 * deployment leans on, timed on each: search_registered_models (the registry listing's page) and
 * get_model_version_by_alias (what resolving `models:/name@champion` costs).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { KINDS, onBoth, type Kind } from './both.js';
import type { ApiClient } from './client.js';
import type { Latency } from './load.js';
import { aliasLatency, searchModels, type AliasResult, type ModelSearchResult } from './registry-load.js';
import { ALIAS, seedModelsViaApi, type SourceRun } from './registry-seed.js';
import type { BackendName } from './store-backend.js';

/** Each is sent as GET registered-models/search with these query parameters, in the default order (name). */
export const MODEL_SEARCHES: readonly { label: string; query: Record<string, string | number> }[] = [
  { label: "name LIKE 'model-12%'", query: { filter: "name LIKE 'model-12%'", max_results: 100 } },
  { label: 'first page, no filter', query: { max_results: 100 } },
];

/**
 * How the models past the first `apiModels` are seeded, by database. MLflow's API made 3 to 11
 * models a second here (5 writes each), so 10,000 models through it would take 15 to 50 minutes.
 * Aviary's made 40 to 115 on SQLite, so there it takes them all, in 1.5 to 4 minutes; on
 * PostgreSQL about 10 (each write is 14 to 20 statements, each a round trip), so there both go in
 * by SQL.
 */
export const REGISTRY_REST: Record<BackendName, Record<Kind, 'api' | 'sql'>> = {
  sqlite: { aviary: 'api', mlflow: 'sql' },
  postgres: { aviary: 'sql', mlflow: 'sql' },
};

export interface RegistrySettings {
  models: number;
  /** Models seeded through the REST API on both, timed: the rest go in as `rest` says. */
  apiModels: number;
  rest: Record<Kind, 'api' | 'sql'>;
  /** Timed calls of each search, on each server, after one warm-up. */
  searches: number;
  aliasWarmup: number;
  aliasCalls: number;
  /** Pause before reading the servers' memory, so that what the load freed is returned. */
  settleMs: number;
}

export interface RegistryResults {
  models: number;
  apiModelsPerSecond: number;
  seeding: string;
  /** Keyed by the label in MODEL_SEARCHES. */
  searches: Map<string, ModelSearchResult>;
  alias: AliasResult;
  /** The server's memory 2 s after the last registry call. */
  rssAfterMb: number;
}

const TABLES: Record<Kind, string> = {
  aviary: 'registered_models, registered_model_tags, model_versions, model_version_tags, registered_model_aliases',
  mlflow: 'registered_models, registered_model_tags, model_versions, model_version_tags, registered_model_aliases, with the values its REST API stores',
};

export interface RegistryServer {
  client: ApiClient;
  /** Models `from` to `to - 1` straight into the server's database. Returns seconds. */
  seedInDatabase(run: SourceRun, from: number, to: number): Promise<number>;
  rss(): { mb: number };
}

/** `database` names the servers' database in the report: SQLite, PostgreSQL. */
export async function registryPhase(servers: Record<Kind, RegistryServer>, s: RegistrySettings, database: string): Promise<Record<Kind, RegistryResults>> {
  const clients = { aviary: servers.aviary.client, mlflow: servers.mlflow.client };
  const ms = (l: Latency) => `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms (${l.count} calls)`;
  const run = await onBoth('registry source run', (k) => sourceRun(clients[k]), (r) => r.artifactUri);
  const api = await onBoth(
    `create model + 3 versions + alias x ${s.apiModels}`,
    async (k) => s.apiModels / (await seedModelsViaApi(clients[k], run[k], 0, s.apiModels)),
    (r) => `${r.toFixed(1)} models/s`,
  );
  const rest = await onBoth(
    `seed models ${s.apiModels}..${s.models - 1} (${s.rest.aviary} / ${s.rest.mlflow}, s)`,
    async (k) => (s.rest[k] === 'api' ? seedModelsViaApi(clients[k], run[k], s.apiModels, s.models) : servers[k].seedInDatabase(run[k], s.apiModels, s.models)),
    (t) => t.toFixed(1),
  );
  const searches: Record<Kind, Map<string, ModelSearchResult>> = { aviary: new Map(), mlflow: new Map() };
  for (const { label, query } of MODEL_SEARCHES) {
    const found = await searchModels(clients, query, s.searches);
    for (const k of KINDS) {
      searches[k].set(label, found[k]);
      console.log(`${k.padEnd(6)} search_registered_models ${label}: ${ms(found[k])}`);
    }
  }
  const alias = await aliasLatency(clients, s.models, s.aliasWarmup, s.aliasCalls);
  for (const k of KINDS) console.log(`${k.padEnd(6)} get_model_version_by_alias ${ALIAS}: ${ms(alias[k])}`);
  await sleep(s.settleMs);
  const rss = await onBoth('RSS after the registry load (MB)', async (k) => servers[k].rss().mb, (mb) => mb.toFixed(0));

  const seeding = (k: Kind) =>
    s.rest[k] === 'api'
      ? `all ${s.models.toLocaleString('en')} models through its REST API (the ${(s.models - s.apiModels).toLocaleString('en')} after the first ${s.apiModels} in ${rest[k].toFixed(0)} s, ${((s.models - s.apiModels) / rest[k]).toFixed(0)} models/s)`
      : `the first ${s.apiModels} models through its REST API, the rest straight into its ${database} database (${TABLES[k]}) while it ran`;
  const out = {} as Record<Kind, RegistryResults>;
  for (const k of KINDS) {
    out[k] = { models: s.models, apiModelsPerSecond: api[k], seeding: seeding(k), searches: searches[k], alias: alias[k], rssAfterMb: rss[k] };
  }
  return out;
}

/** The run every version's source is under, in an experiment of its own. */
async function sourceRun(client: ApiClient): Promise<SourceRun> {
  const experimentId = await client.createExperiment('bench-registry');
  type Answer = { run: { info: { run_id: string; artifact_uri: string } } };
  const { run } = await client.post<Answer>('/runs/create', { experiment_id: experimentId, run_name: 'registry-source', start_time: Date.now(), user_id: 'bench' });
  return { runId: run.info.run_id, artifactUri: run.info.artifact_uri };
}
