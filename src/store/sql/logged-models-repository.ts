/** MLflow 3 logged models: a model's own record, params, tags and metrics, apart from any run. */
import type { Kysely, Selectable } from 'kysely';
import { MlflowError } from '../../common/mlflow-error.js';
import type { KeyValue, LoggedModel, LoggedModelStatus, Metric, Page } from '../../tracking/entities.js';
import type { CreateLoggedModelInput, TrackingStore } from '../../tracking/tracking-store.js';
import { decodePageToken, encodePageToken } from '../../tracking/search/page-token.js';
import type { ExperimentsRepository } from './experiments-repository.js';
import { storedExperimentIds } from './experiments-repository.js';
import { newLoggedModelId, randomName } from './ids.js';
import { metricValueOf } from './metric-values.js';
import type { Database, LoggedModelsTable } from './schema.js';
import { applyLoggedModelSearch } from './search/index.js';
import type { SqlDialectName } from './sql-dialect-name.js';
import { writeTransaction } from './write-transaction.js';

type SearchLoggedModelsQuery = Parameters<TrackingStore['searchLoggedModels']>[0];

export class LoggedModelsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly experiments: ExperimentsRepository,
    private readonly dialect: SqlDialectName,
  ) {}

  async create(input: CreateLoggedModelInput): Promise<LoggedModel> {
    const experiment = await this.experiments.requireActive(input.experimentId, 'create a logged model in');
    const modelId = newLoggedModelId();
    const now = Date.now();
    const row: Selectable<LoggedModelsTable> = {
      model_id: modelId,
      experiment_id: Number(input.experimentId),
      name: input.name || randomName(),
      artifact_location: `${experiment.artifact_location.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
      creation_timestamp_ms: now,
      last_updated_timestamp_ms: now,
      status: 'LOGGED_MODEL_PENDING',
      lifecycle_stage: 'active',
      model_type: input.modelType ?? null,
      source_run_id: input.sourceRunId ?? null,
      status_message: null,
    };
    await writeTransaction(this.db, async (tx) => {
      await tx.insertInto('logged_models').values(row).execute();
      const tags = lastValues(input.tags);
      if (tags.length) await tx.insertInto('logged_model_tags').values(tags.map((t) => ({ model_id: modelId, ...t }))).execute();
      const params = lastValues(input.params);
      if (params.length) await tx.insertInto('logged_model_params').values(params.map((p) => ({ model_id: modelId, ...p }))).execute();
    });
    return this.get(modelId);
  }

  private async row(modelId: string): Promise<Selectable<LoggedModelsTable>> {
    const row = await this.db
      .selectFrom('logged_models')
      .selectAll()
      .where('model_id', '=', modelId)
      .where('lifecycle_stage', '=', 'active')
      .executeTakeFirst();
    if (!row) throw MlflowError.notFound(`Logged model with ID '${modelId}' not found.`);
    return row;
  }

  async get(modelId: string): Promise<LoggedModel> {
    return (await this.load([await this.row(modelId)]))[0]!;
  }

  async finalize(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    await this.row(modelId);
    await this.db
      .updateTable('logged_models')
      .set({ status, last_updated_timestamp_ms: Date.now() })
      .where('model_id', '=', modelId)
      .execute();
    return this.get(modelId);
  }

  async delete(modelId: string): Promise<void> {
    await this.row(modelId);
    await this.db
      .updateTable('logged_models')
      .set({ lifecycle_stage: 'deleted', last_updated_timestamp_ms: Date.now() })
      .where('model_id', '=', modelId)
      .execute();
  }

  async setTags(modelId: string, tags: KeyValue[]): Promise<LoggedModel> {
    await this.row(modelId);
    for (const t of lastValues(tags)) {
      await this.db
        .insertInto('logged_model_tags')
        .values({ model_id: modelId, ...t })
        .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet({ value: t.value }))
        .execute();
    }
    return this.get(modelId);
  }

  async deleteTag(modelId: string, key: string): Promise<void> {
    await this.row(modelId);
    const result = await this.db.deleteFrom('logged_model_tags').where('model_id', '=', modelId).where('key', '=', key).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw MlflowError.notFound(`No tag with key '${key}' found for logged model with ID '${modelId}'.`);
  }

  async logParams(modelId: string, params: KeyValue[]): Promise<void> {
    await this.row(modelId);
    for (const p of lastValues(params)) {
      await this.db
        .insertInto('logged_model_params')
        .values({ model_id: modelId, ...p })
        .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet({ value: p.value }))
        .execute();
    }
  }

  async search(query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>> {
    if (query.experimentIds.length === 0) {
      throw MlflowError.invalid('Missing value for required parameter \'experiment_ids\'.');
    }
    const offset = decodePageToken(query.pageToken);
    const experimentIds = storedExperimentIds(query.experimentIds);
    // The filter is read (and refused when bad) even when no experiment can match.
    const qb = applyLoggedModelSearch(this.db.selectFrom('logged_models').selectAll('logged_models').where('logged_models.lifecycle_stage', '=', 'active'), {
      filter: query.filter,
      orderBy: query.orderBy,
      datasets: query.datasets,
      dialect: this.dialect,
    });
    if (experimentIds.length === 0) return { items: [] };
    const rows = await qb.where('logged_models.experiment_id', 'in', experimentIds).limit(query.maxResults + 1).offset(offset).execute();
    const more = rows.length > query.maxResults;
    const items = await this.load(more ? rows.slice(0, query.maxResults) : rows);
    return { items, nextPageToken: more ? encodePageToken(offset + query.maxResults) : undefined };
  }

  private async load(rows: Selectable<LoggedModelsTable>[]): Promise<LoggedModel[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.model_id);
    const [tags, params, metrics, registrations] = await Promise.all([
      this.db.selectFrom('logged_model_tags').selectAll().where('model_id', 'in', ids).execute(),
      this.db.selectFrom('logged_model_params').selectAll().where('model_id', 'in', ids).execute(),
      this.db.selectFrom('logged_model_metrics').selectAll().where('model_id', 'in', ids).execute(),
      // The registry versions made from these models (same database, read-only here).
      this.db
        .selectFrom('model_versions as mv')
        .innerJoin('registered_models as rm', 'rm.registered_model_id', 'mv.registered_model_id')
        .select(['mv.model_id', 'rm.name', 'mv.version'])
        .where('mv.model_id', 'in', ids)
        .orderBy('rm.name')
        .orderBy('mv.version')
        .execute(),
    ]);
    return rows.map((r) => {
      const model: LoggedModel = {
        info: {
          model_id: r.model_id,
          experiment_id: String(r.experiment_id),
          name: r.name,
          creation_timestamp_ms: r.creation_timestamp_ms,
          last_updated_timestamp_ms: r.last_updated_timestamp_ms,
          artifact_uri: r.artifact_location,
          status: r.status as LoggedModelStatus,
          tags: tags.filter((t) => t.model_id === r.model_id).map(({ key, value }) => ({ key, value })),
          registrations: registrations
            .filter((g) => g.model_id === r.model_id)
            .map((g) => ({ name: g.name, version: String(g.version) })),
        },
        data: {
          params: params.filter((p) => p.model_id === r.model_id).map(({ key, value }) => ({ key, value })),
          metrics: metrics
            .filter((m) => m.model_id === r.model_id)
            .map((m): Metric => {
              const metric: Metric = { key: m.key, value: metricValueOf(m), timestamp: m.timestamp, step: m.step, run_id: m.run_id, model_id: m.model_id };
              if (m.dataset_name) metric.dataset_name = m.dataset_name;
              if (m.dataset_digest) metric.dataset_digest = m.dataset_digest;
              return metric;
            }),
        },
      };
      if (r.model_type) model.info.model_type = r.model_type;
      if (r.source_run_id) model.info.source_run_id = r.source_run_id;
      if (r.status_message) model.info.status_message = r.status_message;
      return model;
    });
  }
}

/** One entry per key, the last given winning. */
function lastValues(items: KeyValue[]): KeyValue[] {
  return [...new Map(items.map((i) => [i.key, i.value]))].map(([key, value]) => ({ key, value }));
}
