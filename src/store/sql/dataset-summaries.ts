/** The datasets the runs of some experiments used, one row per dataset and context, as MLflow's UI lists them. */
import type { Kysely } from 'kysely';
import type { DatasetSummary } from '../../tracking/entities.js';
import type { Database } from './schema.js';

/** The run input tag MLflow records a dataset's use under (training, eval...). */
const DATASET_CONTEXT_TAG = 'mlflow.data.context';

export async function datasetSummaries(db: Kysely<Database>, experimentIds: number[], maxResults: number): Promise<DatasetSummary[]> {
  if (experimentIds.length === 0) return [];
  const rows = await db
    .selectFrom('datasets as d')
    .innerJoin('run_dataset_inputs as i', 'i.dataset_uuid', 'd.dataset_uuid')
    // A dataset used without a context is listed too, its context absent.
    .leftJoin('run_dataset_input_tags as t', (join) =>
      join.onRef('t.run_uuid', '=', 'i.run_uuid').onRef('t.dataset_uuid', '=', 'i.dataset_uuid').on('t.key', '=', DATASET_CONTEXT_TAG),
    )
    .select(['d.experiment_id', 'd.name', 'd.digest', 't.value as context'])
    .distinct()
    .where('d.experiment_id', 'in', experimentIds)
    .orderBy('d.experiment_id')
    .orderBy('d.name')
    .orderBy('d.digest')
    .orderBy('t.value')
    .limit(maxResults)
    .execute();
  return rows.map((r) => ({
    experiment_id: String(r.experiment_id),
    name: r.name,
    digest: r.digest,
    ...(r.context !== null && { context: r.context }),
  }));
}
