/** Runs in the SQL store: their life cycle, tags and search. Metrics, params and inputs are in run-data-repository. */
import type { Kysely, Selectable } from 'kysely';
import { MlflowError } from '../../common/mlflow-error.js';
import type { KeyValue, LifecycleStage, Page, Run, RunInfo, RunStatus, ViewType } from '../../tracking/entities.js';
import type { CreateRunInput, SearchQuery } from '../../tracking/tracking-store.js';
import { decodePageToken, encodePageToken } from '../../tracking/search/page-token.js';
import type { ExperimentsRepository } from './experiments-repository.js';
import { storedExperimentIds } from './experiments-repository.js';
import { newRunId, randomName } from './ids.js';
import { lifecycleStagesOf } from './lifecycle.js';
import { byKey } from './key-order.js';
import { loadRuns, runInfoOf } from './run-loader.js';
import type { Database, RunsTable } from './schema.js';
import { applyRunSearch } from './search/index.js';
import type { SqlDialectName } from './sql-dialect-name.js';
import { writeTransaction } from './write-transaction.js';

export const RUN_NAME_TAG = 'mlflow.runName';
/** MLflow's ceiling on one page of search_runs. */
const SEARCH_MAX_RESULTS = 50_000;

export class RunsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly experiments: ExperimentsRepository,
    private readonly dialect: SqlDialectName,
  ) {}

  async create(input: CreateRunInput): Promise<Run> {
    const experiment = await this.experiments.row(input.experimentId);
    if (experiment.lifecycle_stage !== 'active') {
      throw MlflowError.invalid(`Could not create run under non-active experiment with ID ${input.experimentId}.`);
    }
    const nameTag = input.tags.find((t) => t.key === RUN_NAME_TAG)?.value;
    if (input.runName && nameTag && input.runName !== nameTag) {
      throw MlflowError.invalid(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${input.runName}', mlflow.runName='${nameTag}').`,
      );
    }
    const runName = input.runName || nameTag || randomName();
    const tags = nameTag ? input.tags : [...input.tags, { key: RUN_NAME_TAG, value: runName }];
    const runId = newRunId();
    const row: Selectable<RunsTable> = {
      run_uuid: runId,
      name: runName,
      experiment_id: Number(input.experimentId),
      user_id: input.userId,
      status: 'RUNNING',
      start_time: input.startTime,
      end_time: null,
      deleted_time: null,
      lifecycle_stage: 'active',
      artifact_uri: `${experiment.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`,
    };
    const unique = [...new Map(tags.map((t) => [t.key, t.value]))].map(([key, value]) => ({ key, value }));
    await writeTransaction(this.db, async (tx) => {
      await tx.insertInto('runs').values(row).execute();
      if (unique.length > 0) await tx.insertInto('run_tags').values(unique.map((t) => ({ run_uuid: runId, ...t }))).execute();
    });
    // What was just written, not read back (six queries): a new run has its tags alone, in key
    // order as a read by primary key gives them.
    return {
      info: runInfoOf(row),
      data: { metrics: [], params: [], tags: byKey(unique) },
      inputs: { dataset_inputs: [], model_inputs: [] },
      outputs: { model_outputs: [] },
    };
  }

  async row(runId: string): Promise<Selectable<RunsTable>> {
    const row = await this.db.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst();
    if (!row) throw MlflowError.notFound(`Run with id=${runId} not found`);
    return row;
  }

  /** Writes to a run need it active, as MLflow requires. */
  async requireActive(runId: string): Promise<Selectable<RunsTable>> {
    const row = await this.row(runId);
    if (row.lifecycle_stage !== 'active') {
      throw MlflowError.invalid(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
    }
    return row;
  }

  async get(runId: string): Promise<Run> {
    return (await loadRuns(this.db, [await this.row(runId)]))[0]!;
  }

  async info(runId: string): Promise<RunInfo> {
    return runInfoOf(await this.row(runId));
  }

  async update(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
    const row = await this.requireActive(runId);
    const next = {
      status: update.status ?? row.status,
      end_time: update.endTime ?? row.end_time,
      name: update.runName || row.name,
    };
    await writeTransaction(this.db, async (tx) => {
      await tx.updateTable('runs').set(next).where('run_uuid', '=', runId).execute();
      if (update.runName) {
        await tx
          .insertInto('run_tags')
          .values({ run_uuid: runId, key: RUN_NAME_TAG, value: update.runName })
          .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet({ value: update.runName! }))
          .execute();
      }
    });
    return runInfoOf({ ...row, ...next });
  }

  async setLifecycle(runId: string, stage: LifecycleStage): Promise<void> {
    await this.row(runId);
    await this.db
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? Date.now() : null })
      .where('run_uuid', '=', runId)
      .execute();
  }

  async setTags(runId: string, tags: KeyValue[]): Promise<void> {
    for (const t of tags) {
      await this.db
        .insertInto('run_tags')
        .values({ run_uuid: runId, key: t.key, value: t.value })
        .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet({ value: t.value }))
        .execute();
    }
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.requireActive(runId);
    const result = await this.db.deleteFrom('run_tags').where('run_uuid', '=', runId).where('key', '=', key).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw MlflowError.notFound(`No tag with name: ${key} in run with id ${runId}`);
  }

  async search(query: SearchQuery & { experimentIds: string[]; viewType: ViewType }): Promise<Page<Run>> {
    if (query.maxResults < 1) {
      throw MlflowError.invalid(`Invalid value ${query.maxResults} for parameter 'max_results' supplied. It must be a positive integer`);
    }
    if (query.maxResults > SEARCH_MAX_RESULTS) {
      throw MlflowError.invalid(
        `Invalid value ${query.maxResults} for parameter 'max_results' supplied. It must be at most ${SEARCH_MAX_RESULTS}`,
      );
    }
    const experimentIds = storedExperimentIds(query.experimentIds);
    if (experimentIds.length === 0) return { items: [] };
    const offset = decodePageToken(query.pageToken);
    let qb = this.db
      .selectFrom('runs')
      .selectAll('runs')
      .where('runs.experiment_id', 'in', experimentIds)
      .where('runs.lifecycle_stage', 'in', lifecycleStagesOf(query.viewType));
    qb = applyRunSearch(qb, { filter: query.filter, orderBy: query.orderBy, dialect: this.dialect });
    const rows = await qb.limit(query.maxResults + 1).offset(offset).execute();
    const more = rows.length > query.maxResults;
    const items = await loadRuns(this.db, more ? rows.slice(0, query.maxResults) : rows);
    return { items, nextPageToken: more ? encodePageToken(offset + query.maxResults) : undefined };
  }
}
