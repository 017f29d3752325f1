/**
 * A `search_runs` comparison as a WHERE condition on `runs`. Metrics, params, tags and datasets
 * are correlated EXISTS subqueries on `runs.run_uuid`, so a run never appears twice and the store's
 * LIMIT/OFFSET count runs. Metrics compare the latest value of each metric (`latest_metrics`); a
 * metric the order sorts on too is compared on the row run-joins.ts joined for both.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { RunAttribute, RunComparison } from '../../../tracking/search/run-search.js';
import type { Database } from '../schema.js';
import { compareColumn, compareMetric } from './compare-column.js';
import { findJoin, joinedColumn, type RunJoin } from './run-joins.js';
import type { SearchSqlDialect } from './search-sql-dialect.js';

export type RunsExpressionBuilder = ExpressionBuilder<Database, 'runs'>;

export const RUN_COLUMNS = {
  run_id: 'runs.run_uuid',
  run_name: 'runs.name',
  user_id: 'runs.user_id',
  status: 'runs.status',
  artifact_uri: 'runs.artifact_uri',
  start_time: 'runs.start_time',
  end_time: 'runs.end_time',
} as const satisfies Record<RunAttribute, `runs.${string}`>;

/** The tag MLflow puts on a run's dataset input to say what it was used for ("training", "eval"...). */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

export function runCondition(
  eb: RunsExpressionBuilder,
  c: RunComparison,
  dialect: SearchSqlDialect,
  joins: readonly RunJoin[] = [],
): Expression<SqlBool> {
  const { key } = c;
  switch (key.entity) {
    case 'attribute':
      return compareColumn(eb.ref(RUN_COLUMNS[key.name]), c, dialect);
    case 'metric': {
      const join = findJoin(joins, key);
      if (join?.filtered) return compareMetric(joinedColumn(join, 'value'), joinedColumn(join, 'is_nan'), c, dialect);
      return eb.exists(
        eb
          .selectFrom('latest_metrics as lm')
          .select(sql.lit(1).as('found'))
          .whereRef('lm.run_uuid', '=', 'runs.run_uuid')
          .where('lm.key', '=', key.name)
          .where((m) => compareMetric(m.ref('lm.value'), m.ref('lm.is_nan'), c, dialect)),
      );
    }
    case 'param':
    case 'tag': {
      const rows = eb
        .selectFrom(key.entity === 'param' ? 'run_params as kv' : 'run_tags as kv')
        .select(sql.lit(1).as('found'))
        .whereRef('kv.run_uuid', '=', 'runs.run_uuid')
        .where('kv.key', '=', key.name);
      if (c.type === 'null') return c.op === 'IS NULL' ? eb.not(eb.exists(rows)) : eb.exists(rows);
      return eb.exists(rows.where((kv) => compareColumn(kv.ref('kv.value'), c, dialect)));
    }
    case 'dataset':
      if (key.name === 'context') {
        return eb.exists(
          eb
            .selectFrom('run_dataset_input_tags as dit')
            .select(sql.lit(1).as('found'))
            .whereRef('dit.run_uuid', '=', 'runs.run_uuid')
            .where('dit.key', '=', DATASET_CONTEXT_TAG)
            .where((t) => compareColumn(t.ref('dit.value'), c, dialect)),
        );
      }
      return eb.exists(
        eb
          .selectFrom('run_dataset_inputs as rdi')
          .innerJoin('datasets as ds', 'ds.dataset_uuid', 'rdi.dataset_uuid')
          .select(sql.lit(1).as('found'))
          .whereRef('rdi.run_uuid', '=', 'runs.run_uuid')
          .where((d) => compareColumn(d.ref(key.name === 'name' ? 'ds.name' : 'ds.digest'), c, dialect)),
      );
  }
}
