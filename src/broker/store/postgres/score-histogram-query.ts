/**
 * Score histograms computed by PostgreSQL, so that a large store is not streamed to the client:
 * every numeric output of `scores`, its range per (module, output), then the count per bin by
 * the rule of score-histograms.ts (`binOf`), in the same float8 arithmetic: (value - min) /
 * ((max - min) / bins), truncated, the last bin holding max. A module's position is the least
 * it has among the alerts with a number for the output. Non-finite outputs are null in JSONB.
 */
import { sql, type Kysely } from 'kysely';
import type { ScoreHistogram, ScoreHistogramOptions } from '../alert-store.js';
import { checkedBins, compareText } from '../score-histograms.js';
import type { AlertTables } from './alert-tables.js';

interface BinRow {
  module: string;
  output: string;
  low: number;
  high: number;
  position: number;
  bin: number;
  count: bigint;
}

export async function queryScoreHistograms(db: Kysely<AlertTables>, options: ScoreHistogramOptions): Promise<ScoreHistogram[]> {
  const bins = checkedBins(options);
  const onlyModule = options.module === undefined ? sql`` : sql`AND s.key = ${options.module}`;
  const { rows } = await sql<BinRow>`
    WITH outputs AS (
      SELECT s.key AS module, o.key AS output, o.value::float8 AS value, (a.scored_by -> s.key ->> 'position')::int AS position
      FROM alerts a
      CROSS JOIN LATERAL jsonb_each(a.scores) s
      CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(s.value) = 'object' THEN s.value ELSE '{}'::jsonb END) o
      WHERE jsonb_typeof(o.value) = 'number' ${onlyModule}
    ), ranges AS (
      SELECT module, output, min(value) AS low, max(value) AS high, min(position) AS position FROM outputs GROUP BY module, output
    )
    SELECT r.module, r.output, r.low, r.high, coalesce(r.position, 0) AS position,
      CASE WHEN r.high = r.low THEN 0 ELSE least(trunc((o.value - r.low) / ((r.high - r.low) / ${bins}::float8))::int, ${bins} - 1) END AS bin,
      count(*) AS count
    FROM outputs o JOIN ranges r USING (module, output)
    GROUP BY r.module, r.output, r.low, r.high, r.position, bin`.execute(db);
  const histograms = new Map<string, { -readonly [K in keyof ScoreHistogram]: ScoreHistogram[K] } & { position: number; counts: number[] }>();
  for (const row of rows) {
    const key = `${row.module}\u0000${row.output}`;
    let histogram = histograms.get(key);
    if (!histogram) {
      histogram = { module: row.module, output: row.output, min: row.low, max: row.high, counts: new Array<number>(bins).fill(0), total: 0, position: row.position };
      histograms.set(key, histogram);
    }
    histogram.counts[row.bin] = Number(row.count);
    histogram.total += Number(row.count);
  }
  return [...histograms.values()]
    .sort((a, b) => a.position - b.position || compareText(a.module, b.module) || compareText(a.output, b.output))
    .map(({ module, output, min, max, counts, total }) => ({ module, output, min, max, counts, total }));
}
