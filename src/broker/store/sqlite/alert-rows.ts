/** The alert store's rows and their mapping to and from the store's types. */
import type { Survey } from '../../alert.js';
import type { OutputValue } from '../../enriched-alert.js';
import { parseExactJson } from '../../../common/exact-json-parse.js';
import { toExactJson } from '../../../common/exact-json.js';
import type { StoredAlert, StoredDeadLetter, StoredModuleScores } from '../alert-store.js';
import { decodePayload } from './payload-codec.js';

export interface AlertRow {
  survey: string;
  alert_id: bigint;
  object_id: string | null;
  time: number;
  ra: number;
  dec: number;
  band: string | null;
  magnitude: number | null;
  flux: number | null;
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

export const ALERT_COLUMNS = 'survey, alert_id, object_id, time, ra, dec, band, magnitude, flux, payload, payload_encoding, source_file, stored_at';

export function toStoredAlert(row: AlertRow, scores: readonly ScoreRow[]): StoredAlert {
  const survey = row.survey as Survey;
  return {
    survey,
    alertId: row.alert_id,
    objectId: objectIdOf(survey, row.object_id),
    time: row.time,
    ra: row.ra,
    dec: row.dec,
    band: row.band,
    magnitude: row.magnitude,
    flux: row.flux,
    scores: scores.map((score) => toModuleScores(score, row.stored_at)),
    payload: decodePayload(row.payload, row.payload_encoding),
    sourceFile: row.source_file,
    storedAt: row.stored_at,
  };
}

/** Rubin object ids are integers, kept as text in the shared column. */
export function objectIdOf(survey: Survey, text: string | null): string | bigint | null {
  if (text === null) return null;
  return survey === 'lsst' && /^-?\d+$/.test(text) ? BigInt(text) : text;
}

function toModuleScores(row: ScoreRow, storedAt: string): StoredModuleScores {
  const outputs = parseExactJson(row.outputs) as Record<string, OutputValue>;
  return { module: row.module, model: row.model, version: row.version, outputs, scoredAt: row.scored_at ?? storedAt };
}

export function outputsText(outputs: Readonly<Record<string, OutputValue>>): string {
  return toExactJson(outputs, { nonFinite: 'python' });
}

export interface DeadLetterRow {
  kind: 'source' | 'module';
  id: bigint;
  at: string;
  reason: string;
  file: string | null;
  position: string | null;
  module: string | null;
  stage: string | null;
  survey: string | null;
  alert_id: bigint | null;
  object_id: string | null;
  model: string | null;
  version: string | null;
}

export function toStoredDeadLetter(row: DeadLetterRow): StoredDeadLetter {
  if (row.kind === 'source') return { kind: 'source', reason: row.reason, at: row.at, file: row.file ?? '', position: row.position ?? '' };
  const survey = row.survey as Survey;
  return {
    kind: 'module',
    reason: row.reason,
    at: row.at,
    module: row.module ?? '',
    stage: row.stage as StoredDeadLetter['stage'],
    survey,
    alertId: row.alert_id ?? 0n,
    objectId: objectIdOf(survey, row.object_id),
    model: row.model ?? '',
    version: row.version,
  };
}
