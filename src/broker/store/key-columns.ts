/**
 * The key columns both SQL stores keep of an alert, beside its payload: what SQL users and the
 * stores' indexes filter on. An alert's envelope as column values, and back.
 */
import type { Alert, Survey } from '../alert.js';
import type { StoredAlert } from './alert-store.js';
import { objectKey } from './stored-alert-parts.js';

export interface KeyColumns {
  survey: string;
  alert_id: bigint;
  /** Rubin's integer object ids as their digits. */
  object_id: string | null;
  time: number;
  ra: number;
  dec: number;
  band: string | null;
  /** ZTF magpsf. */
  magnitude: number | null;
  /** Rubin psfFlux (nJy). */
  flux: number | null;
}

export type StoredEnvelope = Pick<StoredAlert, 'survey' | 'alertId' | 'objectId' | 'time' | 'ra' | 'dec' | 'band' | 'magnitude' | 'flux'>;

export function keyColumnsOf(alert: Alert): KeyColumns {
  const { survey, alertId, time, ra, dec, band } = alert;
  return { survey, alert_id: alertId, object_id: objectKey(alert.objectId), time, ra, dec, band, magnitude: alert.magnitude?.value ?? null, flux: alert.flux?.value ?? null };
}

export function envelopeOf(row: KeyColumns): StoredEnvelope {
  const survey = row.survey as Survey;
  const { time, ra, dec, band, magnitude, flux } = row;
  return { survey, alertId: row.alert_id, objectId: objectIdOf(survey, row.object_id), time, ra, dec, band, magnitude, flux };
}

/** Rubin object ids are integers, kept as text in the shared column. */
export function objectIdOf(survey: Survey, text: string | null): string | bigint | null {
  if (text === null) return null;
  return survey === 'lsst' && /^-?\d+$/.test(text) ? BigInt(text) : text;
}
