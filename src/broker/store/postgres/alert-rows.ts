/** The alerts table's rows, read back into stored alerts. */
import type { Selectable } from 'kysely';
import type { OutputValue } from '../../enriched-alert.js';
import type { StoredAlert, StoredModuleScores } from '../alert-store.js';
import { envelopeOf } from '../key-columns.js';
import type { AlertsTable } from './alert-tables.js';
import type { ScoredBy } from './alert-upsert.js';
import { parseJsonbText, restoreNonFinite, type NonFinitePlaces } from './jsonb-text.js';

export type AlertRow = Selectable<AlertsTable>;

export const ALERT_COLUMNS = [
  'survey', 'alert_id', 'object_id', 'time', 'ra', 'dec', 'band', 'magnitude', 'flux',
  'scores', 'scored_by', 'payload', 'payload_nonfinite', 'source_file', 'stored_at',
] as const satisfies readonly (keyof AlertsTable)[];

export function toStoredAlert(row: AlertRow): StoredAlert {
  const payload = parseJsonbText(row.payload) as Record<string, unknown>;
  if (row.payload_nonfinite !== null) restoreNonFinite(payload, JSON.parse(row.payload_nonfinite) as NonFinitePlaces);
  return {
    ...envelopeOf(row),
    scores: storedScores(row.scores, row.scored_by),
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
