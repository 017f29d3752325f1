/** What a run logs: metrics (with their latest values kept for search), params, tags, inputs and outputs. */
import { sql, type Insertable, type Kysely, type OnConflictBuilder, type SqlBool, type Transaction } from 'kysely';
import { MlflowError } from '../../common/mlflow-error.js';
import type { Dataset, KeyValue, Metric, Page } from '../../tracking/entities.js';
import { decodePageToken, encodePageToken } from '../../tracking/search/page-token.js';
import { newDatasetId } from './ids.js';
import { compareMetricPoints, metricValueOf, storedMetricValue } from './metric-values.js';
import { sampledMetricHistory } from './metric-history-sampling.js';
import { ReusedInsert } from './reused-insert.js';
import { RUN_NAME_TAG, type RunsRepository } from './runs-repository.js';
import type { Database, LatestMetricsTable, MetricsTable, RunKeyValueTable } from './schema.js';
import type { SqlDialectName } from './sql-dialect-name.js';
import { writeStatement, writeTransaction } from './write-transaction.js';

/** Rows per INSERT, kept under SQLite's bound-parameter limit whatever the table width. */
const INSERT_CHUNK = 500;

export class RunDataRepository {
  private readonly metricInserts: ReusedInsert<Insertable<MetricsTable>>;
  private readonly paramInserts: ReusedInsert<RunKeyValueTable>;
  private readonly tagUpserts: ReusedInsert<RunKeyValueTable>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly runs: RunsRepository,
    private readonly dialect: SqlDialectName,
  ) {
    this.metricInserts = new ReusedInsert((rows) => db.insertInto('metrics').values(rows).onConflict((oc) => oc.doNothing()).compile());
    this.paramInserts = new ReusedInsert((rows) => db.insertInto('run_params').values(rows).compile());
    this.tagUpserts = new ReusedInsert((rows) =>
      db
        .insertInto('run_tags')
        .values(rows)
        .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
        .compile(),
    );
  }

  async logBatch(runId: string, batch: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }): Promise<void> {
    await this.runs.requireActive(runId);
    if (this.fitsOneStatement(batch)) return this.logMetricsInOneStatement(runId, batch.metrics);
    await writeTransaction(this.db, async (tx) => {
      await this.insertParams(tx, runId, batch.params);
      await this.upsertTags(tx, runId, batch.tags);
      await this.insertMetrics(tx, runId, batch.metrics);
    });
  }

  /**
   * Metrics alone (log_metric, a batch of metrics only), for no logged model and few enough
   * for one INSERT: on PostgreSQL one statement stores the points and moves the latest values
   * (a data-modifying WITH), instead of a transaction of four round trips. SQLite has no
   * data-modifying WITH, and its statements cost no round trip.
   */
  private fitsOneStatement(batch: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }): boolean {
    return (
      this.dialect === 'postgres' &&
      batch.params.length === 0 &&
      batch.tags.length === 0 &&
      batch.metrics.length > 0 &&
      batch.metrics.length <= INSERT_CHUNK &&
      !batch.metrics.some((m) => m.model_id)
    );
  }

  private async logMetricsInOneStatement(runId: string, metrics: Metric[]): Promise<void> {
    await writeStatement(() =>
      this.db
        .with('logged', (db) => db.insertInto('metrics').values(metrics.map((m) => metricRow(runId, m))).onConflict((oc) => oc.doNothing()))
        .insertInto('latest_metrics')
        .values(latestRows(runId, newestPerKey(metrics)))
        .onConflict(keepLater)
        .execute(),
    );
  }

  private async insertParams(tx: Transaction<Database>, runId: string, params: KeyValue[]): Promise<void> {
    if (params.length === 0) return;
    const existing = await tx
      .selectFrom('run_params')
      .select(['key', 'value'])
      .where('run_uuid', '=', runId)
      .where('key', 'in', params.map((p) => p.key))
      .execute();
    const old = new Map(existing.map((p) => [p.key, p.value]));
    const changed = params.filter((p) => old.has(p.key) && old.get(p.key) !== p.value);
    if (changed.length > 0) {
      const detail = changed.map((p) => `{'key': '${p.key}', 'old_value': '${old.get(p.key)}', 'new_value': '${p.value}'}`);
      throw MlflowError.invalid(
        `Changing param values is not allowed. Params were already logged='[${detail.join(', ')}]' for run ID='${runId}'.`,
      );
    }
    const fresh = params.filter((p) => !old.has(p.key));
    await this.paramInserts.run(tx, fresh.map((p) => ({ run_uuid: runId, key: p.key, value: p.value })));
  }

  private async upsertTags(tx: Transaction<Database>, runId: string, tags: KeyValue[]): Promise<void> {
    // The last value of a key in one batch wins, as when tags are set one by one.
    const latest = new Map(tags.map((t) => [t.key, t.value]));
    await this.tagUpserts.run(tx, [...latest].map(([key, value]) => ({ run_uuid: runId, key, value })));
    const runName = latest.get(RUN_NAME_TAG);
    if (runName !== undefined) await tx.updateTable('runs').set({ name: runName }).where('run_uuid', '=', runId).execute();
  }

  private async insertMetrics(tx: Transaction<Database>, runId: string, metrics: Metric[]): Promise<void> {
    if (metrics.length === 0) return;
    await this.metricInserts.run(tx, metrics.map((m) => metricRow(runId, m)));
    await this.updateLatest(tx, runId, metrics);
    await this.copyToLoggedModels(tx, runId, metrics);
  }

  /** Each key's newest point of the batch replaces the stored one only when later (checked in the upsert itself). */
  private async updateLatest(tx: Transaction<Database>, runId: string, metrics: Metric[]): Promise<void> {
    for (const part of chunks(newestPerKey(metrics))) {
      await tx.insertInto('latest_metrics').values(latestRows(runId, part)).onConflict(keepLater).execute();
    }
  }

  /** A metric logged for a model (MLflow 3) is also one of that logged model's metrics. */
  private async copyToLoggedModels(tx: Transaction<Database>, runId: string, metrics: Metric[]): Promise<void> {
    const forModels = metrics.filter((m) => m.model_id);
    if (forModels.length === 0) return;
    const known = await tx
      .selectFrom('logged_models')
      .select('model_id')
      .where('model_id', 'in', [...new Set(forModels.map((m) => m.model_id!))])
      .execute();
    const ids = new Set(known.map((k) => k.model_id));
    const rows = forModels
      .filter((m) => ids.has(m.model_id!))
      .map((m) => ({
        model_id: m.model_id!,
        key: m.key,
        ...storedMetricValue(m.value),
        timestamp: m.timestamp,
        step: m.step,
        run_id: runId,
        dataset_name: m.dataset_name ?? null,
        dataset_digest: m.dataset_digest ?? null,
      }));
    for (const part of chunks(rows)) {
      await tx
        .insertInto('logged_model_metrics')
        .values(part)
        .onConflict((oc) => oc.columns(['model_id', 'key', 'step', 'timestamp', 'run_id']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          is_nan: eb.ref('excluded.is_nan'),
        })))
        .execute();
    }
  }

  async logInputs(runId: string, datasets: { dataset: Dataset; tags: KeyValue[] }[], modelIds: string[]): Promise<void> {
    const run = await this.runs.requireActive(runId);
    await writeTransaction(this.db, async (tx) => {
      for (const { dataset, tags } of datasets) {
        const found = await tx
          .selectFrom('datasets')
          .select('dataset_uuid')
          .where('experiment_id', '=', run.experiment_id)
          .where('name', '=', dataset.name)
          .where('digest', '=', dataset.digest)
          .executeTakeFirst();
        const datasetId = found?.dataset_uuid ?? newDatasetId();
        if (!found) {
          await tx
            .insertInto('datasets')
            .values({
              dataset_uuid: datasetId,
              experiment_id: run.experiment_id,
              name: dataset.name,
              digest: dataset.digest,
              source_type: dataset.source_type,
              source: dataset.source,
              schema: dataset.schema ?? null,
              profile: dataset.profile ?? null,
            })
            .execute();
        }
        await tx
          .insertInto('run_dataset_inputs')
          .values({ run_uuid: runId, dataset_uuid: datasetId })
          .onConflict((oc) => oc.doNothing())
          .execute();
        for (const t of tags) {
          await tx
            .insertInto('run_dataset_input_tags')
            .values({ run_uuid: runId, dataset_uuid: datasetId, key: t.key, value: t.value })
            .onConflict((oc) => oc.columns(['run_uuid', 'dataset_uuid', 'key']).doUpdateSet({ value: t.value }))
            .execute();
        }
      }
      for (const modelId of new Set(modelIds)) {
        await tx
          .insertInto('run_model_links')
          .values({ run_uuid: runId, model_id: modelId, direction: 'input', step: 0 })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    });
  }

  async logOutputs(runId: string, models: { model_id: string; step: number }[]): Promise<void> {
    await this.runs.requireActive(runId);
    for (const m of models) {
      await this.db
        .insertInto('run_model_links')
        .values({ run_uuid: runId, model_id: m.model_id, direction: 'output', step: m.step })
        .onConflict((oc) => oc.columns(['run_uuid', 'model_id', 'direction']).doUpdateSet({ step: m.step }))
        .execute();
    }
  }

  async metricHistory(runId: string, key: string, page: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>> {
    await this.runs.row(runId);
    const offset = decodePageToken(page.pageToken);
    let qb = this.db
      .selectFrom('metrics')
      .selectAll()
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('value');
    // Without max_results MLflow answers the whole history on one page.
    if (page.maxResults !== undefined) qb = qb.limit(page.maxResults + 1).offset(offset);
    const rows = await qb.execute();
    const more = page.maxResults !== undefined && rows.length > page.maxResults;
    const items = (more ? rows.slice(0, page.maxResults) : rows).map(
      (r): Metric => ({ key: r.key, value: metricValueOf(r), timestamp: r.timestamp, step: r.step, ...optionalMetricFields(r) }),
    );
    return { items, nextPageToken: more ? encodePageToken(offset + page.maxResults!) : undefined };
  }

  async metricHistoryBulk(runIds: string[], key: string, maxResults: number): Promise<Metric[]> {
    if (runIds.length === 0 || maxResults <= 0) return [];
    const rows = await this.db
      .selectFrom('metrics')
      .select(['run_uuid', 'key', 'value', 'is_nan', 'timestamp', 'step'])
      .where('run_uuid', 'in', runIds)
      .where('key', '=', key)
      .orderBy('run_uuid')
      .orderBy('timestamp')
      .orderBy('step')
      .orderBy('value')
      .limit(maxResults)
      .execute();
    return rows.map((r): Metric => ({ key: r.key, value: metricValueOf(r), timestamp: r.timestamp, step: r.step, run_id: r.run_uuid }));
  }

  metricHistoryBulkInterval(
    runIds: string[],
    key: string,
    range: { startStep?: number; endStep?: number; maxResults: number },
  ): Promise<Metric[]> {
    return sampledMetricHistory(this.db, runIds, key, range);
  }
}

/** A metrics row, its columns always in this order: insertMetrics binds its values by position. */
function metricRow(runId: string, m: Metric): Insertable<MetricsTable> {
  return {
    run_uuid: runId,
    key: m.key,
    ...storedMetricValue(m.value),
    timestamp: m.timestamp,
    step: m.step,
    model_id: m.model_id ?? null,
    dataset_name: m.dataset_name ?? null,
    dataset_digest: m.dataset_digest ?? null,
  };
}

function optionalMetricFields(r: { model_id: string | null; dataset_name: string | null; dataset_digest: string | null }) {
  const out: Partial<Metric> = {};
  if (r.model_id) out.model_id = r.model_id;
  if (r.dataset_name) out.dataset_name = r.dataset_name;
  if (r.dataset_digest) out.dataset_digest = r.dataset_digest;
  return out;
}

/** The batch's newest point of each key. */
function newestPerKey(metrics: Metric[]): Metric[] {
  const newest = new Map<string, Metric>();
  for (const m of metrics) {
    const seen = newest.get(m.key);
    if (!seen || compareMetricPoints(m, seen) > 0) newest.set(m.key, m);
  }
  return [...newest.values()];
}

function latestRows(runId: string, points: Metric[]): Insertable<LatestMetricsTable>[] {
  return points.map((m) => ({ run_uuid: runId, key: m.key, ...storedMetricValue(m.value), timestamp: m.timestamp, step: m.step }));
}

/**
 * A stored latest value is replaced only by a later point, compared against the row as it is
 * when written: a concurrent batch (PostgreSQL runs them side by side) may have stored a later one.
 */
function keepLater(oc: OnConflictBuilder<Database, 'latest_metrics'>) {
  return oc
    .columns(['run_uuid', 'key'])
    .doUpdateSet((eb) => ({
      value: eb.ref('excluded.value'),
      is_nan: eb.ref('excluded.is_nan'),
      timestamp: eb.ref('excluded.timestamp'),
      step: eb.ref('excluded.step'),
    }))
    .where(sql<SqlBool>`(${pointOf('excluded')}) > (${pointOf('latest_metrics')})`);
}

/** A latest_metrics row's (step, timestamp, stored value): compared as a tuple, MLflow's order of "later". */
function pointOf(table: 'excluded' | 'latest_metrics') {
  return sql.join(['step', 'timestamp', 'value'].map((column) => sql.ref(`${table}.${column}`)));
}

function* chunks<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += INSERT_CHUNK) yield items.slice(i, i + INSERT_CHUNK);
}
