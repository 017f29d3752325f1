/**
 * The comparison's rows on PostgreSQL: shadow_scores joined to the alerts whose `scores` hold
 * the module, walked newest first on the shadow_scores_alias index. With a label field, only
 * the payload's top-level fields the label can come from are sent (labelPayloadKeys): a ZTF
 * alert's light-curve history, most of its payload, stays in the database.
 */
import { sql, type Kysely } from 'kysely';
import type { Survey } from '../../alert.js';
import type { OutputValue } from '../../enriched-alert.js';
import type { ComparisonRow, ComparisonRowsOptions } from '../alert-store.js';
import { comparisonLimit, labelOf, labelPayloadKeys } from '../comparison-rows.js';
import { objectIdOf } from '../key-columns.js';
import type { AlertTables } from './alert-tables.js';
import type { ScoredBy } from './alert-upsert.js';
import { parseJsonbText, restoreNonFinite, type NonFinitePlaces } from './jsonb-text.js';

interface Row {
  survey: string;
  alert_id: bigint;
  object_id: string | null;
  time: number;
  champion_by: string;
  champion_outputs: string;
  shadow_version: string | null;
  shadow_outputs: string;
  shadow_nonfinite: string | null;
  /** The payload's fields labelPayloadKeys names; NULL when it has none of them. */
  payload?: string | null;
  payload_nonfinite?: string | null;
}

export async function queryComparisonRows(db: Kysely<AlertTables>, options: ComparisonRowsOptions): Promise<ComparisonRow[]> {
  const limit = comparisonLimit(options.limit);
  const field = options.labelField;
  const payload =
    field === undefined
      ? sql``
      : sql`, (SELECT jsonb_object_agg(p.key, p.value) FROM jsonb_each(a.payload) p WHERE p.key = ANY(${labelPayloadKeys(field)}::text[])) AS payload, a.payload_nonfinite`;
  const { rows } = await sql<Row>`
    SELECT s.survey, s.alert_id, a.object_id, a.time, a.scored_by -> s.module AS champion_by, a.scores -> s.module AS champion_outputs,
      s.version AS shadow_version, s.outputs AS shadow_outputs, s.outputs_nonfinite AS shadow_nonfinite ${payload}
    FROM shadow_scores s JOIN alerts a ON a.survey = s.survey AND a.alert_id = s.alert_id
    WHERE s.module = ${options.module} AND s.alias = ${options.alias} AND a.scored_by ? s.module
    ORDER BY s.scored_at DESC, s.survey DESC, s.alert_id DESC
    LIMIT ${limit}`.execute(db);
  return rows.map((row) => {
    const survey = row.survey as Survey;
    const by = JSON.parse(row.champion_by) as ScoredBy;
    const compared: ComparisonRow = {
      survey,
      alertId: row.alert_id,
      objectId: objectIdOf(survey, row.object_id),
      time: row.time,
      champion: { version: by.version, outputs: outputsOf(row.champion_outputs, by.nonfinite ?? null) },
      shadow: { version: row.shadow_version, outputs: outputsOf(row.shadow_outputs, row.shadow_nonfinite === null ? null : JSON.parse(row.shadow_nonfinite)) },
    };
    if (field === undefined) return compared;
    const payload = (row.payload ? parseJsonbText(row.payload) : {}) as Record<string, unknown>;
    // The places name paths of the whole payload: those outside the fields sent are skipped.
    if (row.payload_nonfinite) restoreNonFinite(payload, JSON.parse(row.payload_nonfinite) as NonFinitePlaces);
    return { ...compared, label: labelOf({ ...compared, payload }, field) };
  });
}

function outputsOf(text: string | null, nonFinite: Record<string, string> | null): Record<string, OutputValue> {
  const outputs = (text === null ? {} : parseJsonbText(text)) as Record<string, OutputValue>;
  if (nonFinite) restoreNonFinite(outputs, nonFinite as NonFinitePlaces);
  return outputs;
}
