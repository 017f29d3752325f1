/**
 * The comparison's rows on SQLite: shadow_scores joined to alert_scores (the module's own) and
 * to alerts, walked newest first on the shadow_scores_alias index. The payload is read and
 * decoded only when a label field is asked for.
 */
import type { Survey } from '../../alert.js';
import type { OutputValue } from '../../enriched-alert.js';
import { parseExactJson } from '../../../common/exact-json-parse.js';
import type { ComparisonRow, ComparisonRowsOptions } from '../alert-store.js';
import { comparisonLimit, labelOf } from '../comparison-rows.js';
import { objectIdOf } from '../key-columns.js';
import { decodePayload } from './payload-codec.js';
import type { SqliteConnection } from './sqlite-connection.js';

interface Row {
  survey: string;
  alert_id: bigint;
  object_id: string | null;
  time: number;
  champion_version: string | null;
  champion_outputs: string;
  shadow_version: string | null;
  shadow_outputs: string;
  payload?: Buffer;
  payload_encoding?: string;
}

const query = (withPayload: boolean) =>
  `SELECT s.survey, s.alert_id, a.object_id, a.time, c.version AS champion_version, c.outputs AS champion_outputs,
     s.version AS shadow_version, s.outputs AS shadow_outputs${withPayload ? ', a.payload, a.payload_encoding' : ''}
   FROM shadow_scores s
   JOIN alert_scores c ON c.survey = s.survey AND c.alert_id = s.alert_id AND c.module = s.module
   JOIN alerts a ON a.survey = s.survey AND a.alert_id = s.alert_id
   WHERE s.module = ? AND s.alias = ?
   ORDER BY s.scored_at DESC, s.survey DESC, s.alert_id DESC
   LIMIT ?`;

export function queryComparisonRows(db: SqliteConnection, options: ComparisonRowsOptions): ComparisonRow[] {
  const limit = comparisonLimit(options.limit);
  const field = options.labelField;
  const rows = db.prepare(query(field !== undefined)).all(options.module, options.alias, limit) as Row[];
  return rows.map((row) => {
    const survey = row.survey as Survey;
    const compared: ComparisonRow = {
      survey,
      alertId: row.alert_id,
      objectId: objectIdOf(survey, row.object_id),
      time: row.time,
      champion: { version: row.champion_version, outputs: parseExactJson(row.champion_outputs) as Record<string, OutputValue> },
      shadow: { version: row.shadow_version, outputs: parseExactJson(row.shadow_outputs) as Record<string, OutputValue> },
    };
    if (field === undefined) return compared;
    return { ...compared, label: labelOf({ ...compared, payload: decodePayload(row.payload!, row.payload_encoding!) }, field) };
  });
}
