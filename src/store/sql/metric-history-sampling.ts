/**
 * The UI's sampled metric history (GetMetricHistoryBulkInterval), as `mlflow server` 3.17.2
 * samples it: each run's points in range, ordered by step, timestamp and stored value, are cut
 * into `maxResults` buckets of near-equal size (SQL's NTILE, larger buckets first); the first
 * point of each bucket is kept, and the run's last point always ends the answer (replacing the
 * last bucket's when the answer is full). Sampling points, not steps, keeps the answer bounded
 * when many points share a step. Done in SQL, so a long history is never read whole.
 */
import { sql, type Kysely } from 'kysely';
import type { Metric } from '../../tracking/entities.js';
import { metricValueOf } from './metric-values.js';
import type { Database, MetricsTable } from './schema.js';

/** A metrics row kept, with its place: first of its bucket (`in_bucket` 1), the run's last (`from_end` 1). */
type SampledRow = Pick<MetricsTable, 'run_uuid' | 'key' | 'value' | 'is_nan' | 'timestamp' | 'step'> & { in_bucket: number; from_end: number };

export async function sampledMetricHistory(
  db: Kysely<Database>,
  runIds: string[],
  key: string,
  range: { startStep?: number; endStep?: number; maxResults: number },
): Promise<Metric[]> {
  if (runIds.length === 0) return [];
  const buckets = Math.max(1, Math.trunc(range.maxResults));
  let points = db
    .selectFrom('metrics')
    .select(['run_uuid', 'key', 'value', 'is_nan', 'timestamp', 'step'])
    .select(sql<number>`ntile(${sql.lit(buckets)}) over (partition by run_uuid order by step, timestamp, value, is_nan)`.as('bucket'))
    .select(sql<number>`row_number() over (partition by run_uuid order by step desc, timestamp desc, value desc, is_nan desc)`.as('from_end'))
    .where('run_uuid', 'in', [...new Set(runIds)])
    .where('key', '=', key);
  if (range.startStep !== undefined && range.endStep !== undefined) {
    points = points.where('step', '>=', range.startStep).where('step', '<=', range.endStep);
  }
  const ranked = db
    .selectFrom(points.as('p'))
    .selectAll()
    .select(sql<number>`row_number() over (partition by run_uuid, bucket order by step, timestamp, value, is_nan)`.as('in_bucket'));
  const rows = (await db
    .selectFrom(ranked.as('r'))
    .select(['run_uuid', 'key', 'value', 'is_nan', 'timestamp', 'step', 'in_bucket', 'from_end'])
    .where((eb) => eb.or([eb('in_bucket', '=', 1), eb('from_end', '=', 1)]))
    .orderBy('run_uuid')
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('value')
    .orderBy('is_nan')
    .execute()) as SampledRow[];

  const sampledOf = new Map<string, SampledRow[]>();
  for (const row of rows) {
    const sampled = sampledOf.get(row.run_uuid) ?? [];
    sampledOf.set(row.run_uuid, sampled);
    if (Number(row.in_bucket) === 1) sampled.push(row);
    else if (sampled.length >= buckets) sampled[sampled.length - 1] = row; // the last point, past a full answer
    else sampled.push(row);
  }
  // Each run in the order asked, as MLflow answers (a run named twice comes twice).
  return runIds.flatMap((runId) =>
    (sampledOf.get(runId) ?? []).map((r): Metric => ({ key: r.key, value: metricValueOf(r), timestamp: r.timestamp, step: r.step, run_id: runId })),
  );
}
