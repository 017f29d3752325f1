/** The alerts table's rows, read back into stored alerts. */
import { sql, type Selectable } from 'kysely';
import type { OutputValue } from '../../enriched-alert.js';
import type { StoredAlert, StoredModuleScores, StoredShadowScores } from '../alert-store.js';
import { envelopeOf } from '../key-columns.js';
import type { AlertsTable } from './alert-tables.js';
import type { ScoredBy } from './alert-upsert.js';
import { parseJsonbText, restoreNonFinite, type NonFinitePlaces } from './jsonb-text.js';

export type AlertRow = Selectable<AlertsTable> & {
  /** The alert's shadow_scores rows as one JSONB array (SHADOWS_COLUMN), NULL when none. */
  shadows: string | null;
};

export const ALERT_COLUMNS = [
  'survey', 'alert_id', 'object_id', 'time', 'ra', 'dec', 'band', 'magnitude', 'flux',
  'scores', 'scored_by', 'payload', 'payload_nonfinite', 'source_file', 'stored_at',
] as const satisfies readonly (keyof AlertsTable)[];

/**
 * The alert's shadows in the same query as the alert, in (module, alias) order by code point (as
 * the other stores), scored_at as epoch milliseconds (JSONB would render a timestamp in the
 * session's time zone; rounded, as written: ISO times to the millisecond).
 */
export const SHADOWS_COLUMN = sql<string | null>`(
  SELECT jsonb_agg(jsonb_build_object('module', s.module, 'alias', s.alias, 'model', s.model, 'version', s.version, 'outputs', s.outputs,
    'nonfinite', s.outputs_nonfinite, 'scored_at', round(extract(epoch FROM s.scored_at) * 1000)) ORDER BY s.module COLLATE "C", s.alias COLLATE "C")
  FROM shadow_scores s WHERE s.survey = alerts.survey AND s.alert_id = alerts.alert_id)`.as('shadows');

/** What SHADOWS_COLUMN holds of one shadow. */
interface ShadowJson {
  module: string;
  alias: string;
  model: string;
  version: string | null;
  outputs: Record<string, OutputValue>;
  nonfinite: NonFinitePlaces | null;
  scored_at: number;
}

export function toStoredAlert(row: AlertRow): StoredAlert {
  const payload = parseJsonbText(row.payload) as Record<string, unknown>;
  if (row.payload_nonfinite !== null) restoreNonFinite(payload, JSON.parse(row.payload_nonfinite) as NonFinitePlaces);
  return {
    ...envelopeOf(row),
    scores: storedScores(row.scores, row.scored_by),
    ...(row.shadows !== null && { shadows: storedShadows(row.shadows) }),
    payload,
    sourceFile: row.source_file,
    storedAt: row.stored_at.toISOString(),
  };
}

/** Every module of scored_by, in position order, with its outputs from scores. */
function storedScores(scoresText: string, scoredByText: string): StoredModuleScores[] {
  const outputs = parseJsonbText(scoresText) as Record<string, Record<string, OutputValue>>;
  const by = JSON.parse(scoredByText) as Record<string, ScoredBy>;
  return Object.entries(by)
    .sort(([, a], [, b]) => a.position - b.position)
    .map(([module, b]) => {
      const moduleOutputs = outputs[module] ?? {};
      if (b.nonfinite) restoreNonFinite(moduleOutputs, b.nonfinite as NonFinitePlaces);
      return { module, model: b.model, version: b.version, outputs: moduleOutputs, scoredAt: b.scored_at };
    });
}

function storedShadows(text: string): StoredShadowScores[] {
  return (parseJsonbText(text) as ShadowJson[]).map((s) => {
    if (s.nonfinite) restoreNonFinite(s.outputs, s.nonfinite);
    return { module: s.module, alias: s.alias, model: s.model, version: s.version, outputs: s.outputs, scoredAt: new Date(Number(s.scored_at)).toISOString() };
  });
}
