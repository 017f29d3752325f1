/** The alert store's rows and their mapping to and from the store's types. */
import type { OutputValue } from '../../enriched-alert.js';
import { parseExactJson } from '../../../common/exact-json-parse.js';
import { toExactJson } from '../../../common/exact-json.js';
import type { StoredAlert, StoredModuleScores, StoredShadowScores } from '../alert-store.js';
import { envelopeOf, type KeyColumns } from '../key-columns.js';
import { decodePayload } from './payload-codec.js';

export interface AlertRow extends KeyColumns {
  payload: Buffer;
  payload_encoding: string;
  source_file: string;
  stored_at: string;
}

export interface ScoreRow {
  module: string;
  model: string;
  version: string | null;
  outputs: string;
  /** NULL only in a row no migration filled (read as its alert's stored_at). */
  scored_at: string | null;
}

export interface ShadowRow {
  module: string;
  alias: string;
  model: string;
  version: string | null;
  outputs: string;
  scored_at: string;
}

export const ALERT_COLUMNS = 'survey, alert_id, object_id, time, ra, dec, band, magnitude, flux, payload, payload_encoding, source_file, stored_at';

export function toStoredAlert(row: AlertRow, scores: readonly ScoreRow[], shadows: readonly ShadowRow[]): StoredAlert {
  return {
    ...envelopeOf(row),
    scores: scores.map((score) => toModuleScores(score, row.stored_at)),
    ...(shadows.length > 0 && { shadows: shadows.map(toShadowScores) }),
    payload: decodePayload(row.payload, row.payload_encoding),
    sourceFile: row.source_file,
    storedAt: row.stored_at,
  };
}

function toModuleScores(row: ScoreRow, storedAt: string): StoredModuleScores {
  const outputs = parseExactJson(row.outputs) as Record<string, OutputValue>;
  return { module: row.module, model: row.model, version: row.version, outputs, scoredAt: row.scored_at ?? storedAt };
}

function toShadowScores(row: ShadowRow): StoredShadowScores {
  const outputs = parseExactJson(row.outputs) as Record<string, OutputValue>;
  return { module: row.module, alias: row.alias, model: row.model, version: row.version, outputs, scoredAt: row.scored_at };
}

export function outputsText(outputs: Readonly<Record<string, OutputValue>>): string {
  return toExactJson(outputs, { nonFinite: 'python' });
}
