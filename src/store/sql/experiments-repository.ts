/** Experiments and their tags in the SQL store. */
import type { Kysely, Selectable } from 'kysely';
import { MlflowError } from '../../common/mlflow-error.js';
import type { Experiment, KeyValue, LifecycleStage, Page, ViewType } from '../../tracking/entities.js';
import type { SearchQuery } from '../../tracking/tracking-store.js';
import type { Database, ExperimentsTable } from './schema.js';
import { applyExperimentSearch } from './search/index.js';
import { decodePageToken, encodePageToken } from '../../tracking/search/page-token.js';
import { MAX_INTEGER_ID } from './ids.js';
import { lifecycleStagesOf } from './lifecycle.js';
import type { SqlDialectName } from './sql-dialect-name.js';
import { writeTransaction } from './write-transaction.js';

export const DEFAULT_EXPERIMENT_ID = '0';

/** Experiment ids are integers in the SQL store; anything else is refused as MLflow refuses it. */
export function parseExperimentId(experimentId: string): number {
  if (!/^\d+$/.test(experimentId)) {
    throw MlflowError.invalid(`Invalid experiment ID '${experimentId}'. Experiment ID must be a valid integer.`);
  }
  return Number(experimentId);
}

/** The ids that can name a stored experiment, parsed (an id too large for the column names none). */
export function storedExperimentIds(experimentIds: string[]): number[] {
  return experimentIds.map(parseExperimentId).filter((id) => id <= MAX_INTEGER_ID);
}

export class ExperimentsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialectName,
  ) {}

  async create(name: string, artifactLocation: string | undefined, tags: KeyValue[], defaultRoot = 'mlflow-artifacts:'): Promise<string> {
    return writeTransaction(this.db, async (tx) => {
      const existing = await tx.selectFrom('experiments').select('experiment_id').where('name', '=', name).executeTakeFirst();
      if (existing) throw MlflowError.alreadyExists(`Experiment(name=${name}) already exists.`);
      const now = Date.now();
      const { experiment_id } = await tx
        .insertInto('experiments')
        .values({ name, artifact_location: artifactLocation ?? '', lifecycle_stage: 'active', creation_time: now, last_update_time: now })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      if (artifactLocation === undefined) {
        // By default the server proxies artifacts: clients upload through `mlflow-artifacts:/<experiment id>`.
        await tx
          .updateTable('experiments')
          .set({ artifact_location: `${defaultRoot.replace(/\/+$/, '')}/${experiment_id}` })
          .where('experiment_id', '=', experiment_id)
          .execute();
      }
      if (tags.length > 0) {
        await tx.insertInto('experiment_tags').values(tags.map((t) => ({ experiment_id, key: t.key, value: t.value }))).execute();
      }
      return String(experiment_id);
    });
  }

  async get(experimentId: string): Promise<Experiment> {
    return (await this.hydrate([await this.row(experimentId)]))[0]!;
  }

  /** The experiment's row alone, without its tags. */
  async row(experimentId: string): Promise<Selectable<ExperimentsTable>> {
    const id = parseExperimentId(experimentId);
    if (id > MAX_INTEGER_ID) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
    const row = await this.db.selectFrom('experiments').selectAll().where('experiment_id', '=', id).executeTakeFirst();
    if (!row) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
    return row;
  }

  async getByName(name: string): Promise<Experiment | undefined> {
    const row = await this.db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? (await this.hydrate([row]))[0] : undefined;
  }

  /** The experiment's row, which must be active: writes under a deleted experiment are refused. */
  async requireActive(experimentId: string, action: string): Promise<Experiment> {
    const experiment = await this.get(experimentId);
    if (experiment.lifecycle_stage !== 'active') {
      throw MlflowError.invalid(`Cannot ${action} non-active experiment with ID ${experimentId}.`);
    }
    return experiment;
  }

  async search(query: SearchQuery & { viewType: ViewType }): Promise<Page<Experiment>> {
    const offset = decodePageToken(query.pageToken);
    let qb = this.db
      .selectFrom('experiments')
      .selectAll('experiments')
      .where('experiments.lifecycle_stage', 'in', lifecycleStagesOf(query.viewType));
    qb = applyExperimentSearch(qb, { filter: query.filter, orderBy: query.orderBy, dialect: this.dialect });
    const rows = await qb.limit(query.maxResults + 1).offset(offset).execute();
    const more = rows.length > query.maxResults;
    const items = await this.hydrate(more ? rows.slice(0, query.maxResults) : rows);
    return { items, nextPageToken: more ? encodePageToken(offset + query.maxResults) : undefined };
  }

  async rename(experimentId: string, newName: string): Promise<void> {
    const experiment = await this.get(experimentId);
    if (experiment.lifecycle_stage !== 'active') throw MlflowError.invalid('Cannot rename a non-active experiment.');
    // In one transaction, so a concurrent rename to the same name is retried and refused here.
    await writeTransaction(this.db, async (tx) => {
      const clash = await tx.selectFrom('experiments').select('experiment_id').where('name', '=', newName).executeTakeFirst();
      if (clash && String(clash.experiment_id) !== experimentId) {
        throw MlflowError.alreadyExists(`Experiment(name=${newName}) already exists.`);
      }
      await tx
        .updateTable('experiments')
        .set({ name: newName, last_update_time: Date.now() })
        .where('experiment_id', '=', Number(experimentId))
        .execute();
    });
  }

  /** Deleting an experiment deletes its active runs with it; restoring brings back those same runs. */
  async setLifecycle(experimentId: string, stage: LifecycleStage): Promise<void> {
    const experiment = await this.get(experimentId);
    if (stage === 'deleted' && experimentId === DEFAULT_EXPERIMENT_ID) {
      throw MlflowError.invalid(`Cannot delete the default experiment '${DEFAULT_EXPERIMENT_ID}'. This is an internally reserved experiment.`);
    }
    if (experiment.lifecycle_stage === stage) {
      if (stage === 'active') throw MlflowError.invalid(`Cannot restore an active experiment. Experiment id: ${experimentId}`);
      throw MlflowError.invalid(`Cannot delete an already deleted experiment. Experiment id: ${experimentId}`);
    }
    const id = Number(experimentId);
    const now = Date.now();
    await writeTransaction(this.db, async (tx) => {
      await tx.updateTable('experiments').set({ lifecycle_stage: stage, last_update_time: now }).where('experiment_id', '=', id).execute();
      if (stage === 'deleted') {
        await tx
          .updateTable('runs')
          .set({ lifecycle_stage: 'deleted', deleted_time: now })
          .where('experiment_id', '=', id)
          .where('lifecycle_stage', '=', 'active')
          .execute();
      } else {
        await tx
          .updateTable('runs')
          .set({ lifecycle_stage: 'active', deleted_time: null })
          .where('experiment_id', '=', id)
          .where('deleted_time', '=', experiment.last_update_time)
          .execute();
      }
    });
  }

  async setTag(experimentId: string, tag: KeyValue): Promise<void> {
    await this.requireActive(experimentId, 'set tag on');
    await this.db
      .insertInto('experiment_tags')
      .values({ experiment_id: Number(experimentId), key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  }

  async deleteTag(experimentId: string, key: string): Promise<void> {
    await this.requireActive(experimentId, 'delete tag on');
    const result = await this.db
      .deleteFrom('experiment_tags')
      .where('experiment_id', '=', Number(experimentId))
      .where('key', '=', key)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) {
      throw MlflowError.notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
    }
  }

  private async hydrate(rows: Selectable<ExperimentsTable>[]): Promise<Experiment[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.experiment_id);
    const tags = await this.db.selectFrom('experiment_tags').selectAll().where('experiment_id', 'in', ids).execute();
    const byExperiment = new Map<number, KeyValue[]>();
    for (const t of tags) {
      const list = byExperiment.get(t.experiment_id) ?? [];
      list.push({ key: t.key, value: t.value });
      byExperiment.set(t.experiment_id, list);
    }
    return rows.map((r) => ({
      experiment_id: String(r.experiment_id),
      name: r.name,
      artifact_location: r.artifact_location,
      lifecycle_stage: r.lifecycle_stage as LifecycleStage,
      creation_time: r.creation_time,
      last_update_time: r.last_update_time,
      tags: byExperiment.get(r.experiment_id) ?? [],
    }));
  }
}
