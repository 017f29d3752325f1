/**
 * ZTF alerts (schemas 3.x and 4.x, raw or Fink-enriched) to the common envelope. The light
 * curve is `prv_candidates` (detections, and upper limits where `magpsf` is null: their
 * `diffmaglim` is the limit), the forced photometry of 4.x (`fp_hists`) and the candidate.
 * Only the alert's own `candid` must be an exact integer: ids in the history are kept as read,
 * a double (as Fink's Spark Parquet stores `prv_candidates[].candid`) staying a double.
 */
import type { Alert, LightCurvePoint } from './alert.js';
import { cutoutOf, entryIdOf, isRecord, listOf, measurement, numberOf, requiredId, requiredNumber } from './alert-values.js';
import type { AlertOrigin } from './sources/alert-source.js';

const BANDS: Record<number, string> = { 1: 'g', 2: 'r', 3: 'i' };
/** ZTF's forced photometry marks a missing flux with this value. */
const NO_FLUX = -99999;

export function ztfBand(fid: unknown): string | null {
  return BANDS[numberOf(fid) ?? 0] ?? null;
}

export function mapZtfAlert(payload: Readonly<Record<string, unknown>>, origin: AlertOrigin): Alert {
  const candidate = payload.candidate;
  if (!isRecord(candidate)) throw new Error('the ZTF alert has no candidate');
  const alertId = payload.candid === null || payload.candid === undefined ? requiredId(candidate.candid, 'candidate.candid') : requiredId(payload.candid, 'candid');
  const objectId = payload.objectId;
  if (typeof objectId !== 'string') throw new Error(`candid ${alertId}: objectId is missing`);
  const current: LightCurvePoint = { ...ztfPoint(candidate, 'detection'), current: true };
  const history = listOf(payload.prv_candidates).map((entry) => ztfPoint(entry, numberOf(entry.magpsf) === null ? 'upper-limit' : 'detection'));
  const forced = listOf(payload.fp_hists ?? payload.fp_hist).map(forcedPoint);
  return {
    survey: 'ztf',
    alertId,
    objectId,
    time: requiredNumber(candidate.jd, 'candidate.jd'),
    timeScale: 'jd',
    ra: requiredNumber(candidate.ra, 'candidate.ra'),
    dec: requiredNumber(candidate.dec, 'candidate.dec'),
    band: ztfBand(candidate.fid),
    magnitude: measurement(candidate.magpsf, candidate.sigmapsf),
    lightCurve: [...history, ...forced, current].sort((a, b) => a.time - b.time),
    cutouts: {
      science: cutoutOf(payload.cutoutScience),
      template: cutoutOf(payload.cutoutTemplate),
      difference: cutoutOf(payload.cutoutDifference),
    },
    payload,
    origin,
  };
}

function ztfPoint(entry: Record<string, unknown>, kind: 'detection' | 'upper-limit'): LightCurvePoint {
  const point = {
    time: numberOf(entry.jd) ?? NaN,
    band: ztfBand(entry.fid),
    kind,
    current: false,
    limitingMagnitude: numberOf(entry.diffmaglim),
    id: entryIdOf(entry.candid),
    entry,
  };
  return kind === 'detection' ? { ...point, magnitude: measurement(entry.magpsf, entry.sigmapsf) } : point;
}

function forcedPoint(entry: Record<string, unknown>): LightCurvePoint {
  const flux = numberOf(entry.forcediffimflux);
  const error = numberOf(entry.forcediffimfluxunc);
  return {
    time: numberOf(entry.jd) ?? NaN,
    band: ztfBand(entry.fid),
    kind: 'forced',
    current: false,
    limitingMagnitude: numberOf(entry.diffmaglim),
    flux: { value: flux === NO_FLUX ? null : flux, error: error === NO_FLUX ? null : error },
    entry,
  };
}
