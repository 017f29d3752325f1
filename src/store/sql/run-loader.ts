/**
 * Assembles whole runs (info, latest metrics, params, tags, inputs, outputs) for a set of run
 * ids with one query per table, whatever the number of runs: a search page costs six queries.
 */
import type { Kysely, Selectable } from 'kysely';
import type { DatasetInput, KeyValue, LifecycleStage, Metric, Run, RunInfo, RunStatus } from '../../tracking/entities.js';
import type { Database, RunsTable } from './schema.js';
import { metricValueOf } from './metric-values.js';

export function runInfoOf(row: Selectable<RunsTable>): RunInfo {
  const info: RunInfo = {
    run_id: row.run_uuid,
    run_uuid: row.run_uuid,
    run_name: row.name,
    experiment_id: String(row.experiment_id),
    user_id: row.user_id,
    status: row.status as RunStatus,
    start_time: row.start_time,
    artifact_uri: row.artifact_uri,
    lifecycle_stage: row.lifecycle_stage as LifecycleStage,
  };
  if (row.end_time !== null) info.end_time = row.end_time;
  return info;
}

export async function loadRuns(db: Kysely<Database>, rows: Selectable<RunsTable>[]): Promise<Run[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.run_uuid);
  const [metrics, params, tags, inputs, inputTags, links] = await Promise.all([
    db.selectFrom('latest_metrics').selectAll().where('run_uuid', 'in', ids).execute(),
    db.selectFrom('run_params').selectAll().where('run_uuid', 'in', ids).execute(),
    db.selectFrom('run_tags').selectAll().where('run_uuid', 'in', ids).execute(),
    db
      .selectFrom('run_dataset_inputs as i')
      .innerJoin('datasets as d', 'd.dataset_uuid', 'i.dataset_uuid')
      .select(['i.run_uuid', 'd.dataset_uuid', 'd.name', 'd.digest', 'd.source_type', 'd.source', 'd.schema', 'd.profile'])
      .where('i.run_uuid', 'in', ids)
      .execute(),
    db.selectFrom('run_dataset_input_tags').selectAll().where('run_uuid', 'in', ids).execute(),
    db.selectFrom('run_model_links').selectAll().where('run_uuid', 'in', ids).execute(),
  ]);

  const runs = new Map<string, Run>();
  for (const row of rows) {
    runs.set(row.run_uuid, {
      info: runInfoOf(row),
      data: { metrics: [], params: [], tags: [] },
      inputs: { dataset_inputs: [], model_inputs: [] },
      outputs: { model_outputs: [] },
    });
  }
  for (const m of metrics) {
    const metric: Metric = { key: m.key, value: metricValueOf(m), timestamp: m.timestamp, step: m.step };
    runs.get(m.run_uuid)!.data.metrics.push(metric);
  }
  for (const p of params) runs.get(p.run_uuid)!.data.params.push({ key: p.key, value: p.value });
  for (const t of tags) runs.get(t.run_uuid)!.data.tags.push({ key: t.key, value: t.value });

  const tagsOfInput = new Map<string, KeyValue[]>();
  for (const t of inputTags) {
    const key = `${t.run_uuid}/${t.dataset_uuid}`;
    tagsOfInput.set(key, [...(tagsOfInput.get(key) ?? []), { key: t.key, value: t.value }]);
  }
  for (const i of inputs) {
    const input: DatasetInput = {
      tags: tagsOfInput.get(`${i.run_uuid}/${i.dataset_uuid}`) ?? [],
      dataset: { name: i.name, digest: i.digest, source_type: i.source_type, source: i.source },
    };
    if (i.schema !== null) input.dataset.schema = i.schema;
    if (i.profile !== null) input.dataset.profile = i.profile;
    runs.get(i.run_uuid)!.inputs.dataset_inputs.push(input);
  }
  for (const l of links) {
    const run = runs.get(l.run_uuid)!;
    if (l.direction === 'input') run.inputs.model_inputs.push({ model_id: l.model_id });
    else run.outputs.model_outputs.push({ model_id: l.model_id, step: l.step });
  }
  return ids.map((id) => runs.get(id)!);
}
