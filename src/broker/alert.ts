/**
 * The alert model: one envelope for ZTF and Rubin alerts over the payload exactly as decoded,
 * the light curve assembled from the alert's history, and the cutouts. Survey mappers
 * (ztf-alert-mapper.ts, lsst-alert-mapper.ts) fill it; `toAlert` picks the mapper from the
 * payload's shape (ZTF: `candidate` + `objectId`; Rubin: `diaSource`).
 */
import type { AlertOrigin, RawAlertRecord } from './sources/alert-source.js';
import { mapLsstAlert } from './lsst-alert-mapper.js';
import { mapZtfAlert } from './ztf-alert-mapper.js';
import { isRecord } from './alert-values.js';

export type Survey = 'ztf' | 'lsst';

/** A measurement with its error; either may be null when the alert leaves it empty. */
export interface Measurement {
  readonly value: number | null;
  readonly error: number | null;
}

export interface LightCurvePoint {
  /** ZTF: Julian date (`jd`); Rubin: `midpointMjdTai`. */
  readonly time: number;
  /** g, r, i (ZTF fid 1/2/3), or Rubin's u g r i z y; null when unknown. */
  readonly band: string | null;
  /**
   * detection: a measured source; upper-limit: a non-detection (ZTF entries with a null
   * magpsf, Rubin v7 nondetection limits); forced: forced photometry at the object's position.
   */
  readonly kind: 'detection' | 'upper-limit' | 'forced';
  /** Where the point comes from: the alert's own detection, or its history. */
  readonly current: boolean;
  /** ZTF: magpsf and sigmapsf. */
  readonly magnitude?: Measurement;
  /** ZTF upper limits and forced points: the limiting magnitude (`diffmaglim`). */
  readonly limitingMagnitude?: number | null;
  /** Rubin: psfFlux / psfFluxErr in nJy; ZTF forced photometry: forcediffimflux / forcediffimfluxunc (DN). */
  readonly flux?: Measurement;
  /**
   * ZTF candid, Rubin diaSourceId or diaForcedSourceId, when the entry has one, as read: a
   * history entry's id may be a double (Fink's Spark Parquet), never trusted past 2^53.
   */
  readonly id?: bigint | number | null;
  /** The history entry (or the candidate / diaSource) as decoded. */
  readonly entry: Readonly<Record<string, unknown>>;
}

/** A cutout's bytes: gzipped FITS (ZTF) or plain FITS (Rubin), told apart by the gzip magic bytes. */
export interface Cutout {
  readonly bytes: Uint8Array;
  readonly encoding: 'fits.gz' | 'fits';
  readonly fileName?: string;
}

export interface Cutouts {
  readonly science?: Cutout;
  readonly template?: Cutout;
  readonly difference?: Cutout;
}

export interface Alert {
  readonly survey: Survey;
  /** ZTF `candid`, Rubin `diaSourceId`: exact 64-bit integers. */
  readonly alertId: bigint;
  /** ZTF `objectId` (a string such as "ZTF19acihgng"), Rubin `diaObjectId`, or `ssObjectId` for a solar-system source (no DIA object); null for a Rubin source with neither. */
  readonly objectId: string | bigint | null;
  /** ZTF `jd` (Julian date), Rubin `midpointMjdTai` (MJD, TAI): see `timeScale`. */
  readonly time: number;
  readonly timeScale: 'jd' | 'mjd_tai';
  readonly ra: number;
  readonly dec: number;
  readonly band: string | null;
  /** ZTF: magpsf / sigmapsf. */
  readonly magnitude?: Measurement;
  /** Rubin: psfFlux / psfFluxErr, in nJy. */
  readonly flux?: Measurement;
  /** History + current detection, sorted by time (stable: equal times keep the alert's order). */
  readonly lightCurve: readonly LightCurvePoint[];
  readonly cutouts: Cutouts;
  /** The record as decoded, untouched (cutouts included). */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly origin: AlertOrigin;
  /** The Avro writer schema the payload was decoded with (JSON object, shared: not to be modified); absent for Parquet and JSON. */
  readonly writerSchema?: unknown;
}

/** The survey a payload comes from, or undefined when it is neither a ZTF nor a Rubin alert. */
export function surveyOf(payload: Readonly<Record<string, unknown>>): Survey | undefined {
  if (isRecord(payload.candidate) && 'objectId' in payload) return 'ztf';
  if (isRecord(payload.diaSource)) return 'lsst';
  return undefined;
}

/** The alert of a raw record; throws (with the reason) when the payload is not a ZTF or Rubin alert. */
export function toAlert(record: RawAlertRecord): Alert {
  const survey = surveyOf(record.payload);
  if (survey === 'ztf') return withWriterSchema(mapZtfAlert(record.payload, record.origin), record);
  if (survey === 'lsst') return withWriterSchema(mapLsstAlert(record.payload, record.origin), record);
  const keys = Object.keys(record.payload).slice(0, 8).join(', ');
  throw new Error(`not a ZTF alert (candidate, objectId) nor a Rubin alert (diaSource); top-level fields: ${keys}`);
}

function withWriterSchema(alert: Alert, record: RawAlertRecord): Alert {
  return record.writerSchema === undefined ? alert : { ...alert, writerSchema: record.writerSchema };
}
