/**
 * Rubin alerts (lsst.v7_x to v11_0, raw or Fink-enriched) to the common envelope. The alert id
 * is the triggering `diaSource.diaSourceId` (v7's separate `alertId` stays in the payload);
 * the object is `diaObjectId`, absent (null) for a source with no DIA object, which Rubin
 * writes as null or 0 (solar-system sources carry an `ssObjectId` instead). The light curve is
 * `prvDiaSources`, `prvDiaForcedSources` (forced photometry), v7's `prvDiaNondetectionLimits`
 * (upper limits: `diaNoise` is the flux noise) and the diaSource; fluxes are in nJy.
 */
import type { Alert, LightCurvePoint } from './alert.js';
import { cutoutOf, idOf, isRecord, listOf, measurement, numberOf, requiredId, requiredNumber } from './alert-values.js';
import type { AlertOrigin } from './sources/alert-source.js';

export function mapLsstAlert(payload: Readonly<Record<string, unknown>>, origin: AlertOrigin): Alert {
  const source = payload.diaSource;
  if (!isRecord(source)) throw new Error('the Rubin alert has no diaSource');
  const alertId = requiredId(source.diaSourceId ?? payload.diaSourceId, 'diaSourceId');
  const objectId = idOf(source.diaObjectId ?? (isRecord(payload.diaObject) ? payload.diaObject.diaObjectId : null), 'diaObjectId');
  const current: LightCurvePoint = { ...sourcePoint(source, 'detection', 'diaSourceId'), current: true };
  const history = [
    ...listOf(payload.prvDiaSources).map((entry) => sourcePoint(entry, 'detection', 'diaSourceId')),
    ...listOf(payload.prvDiaForcedSources).map((entry) => sourcePoint(entry, 'forced', 'diaForcedSourceId')),
    ...listOf(payload.prvDiaNondetectionLimits).map(nondetectionPoint),
  ];
  return {
    survey: 'lsst',
    alertId,
    objectId: objectId === 0n ? null : objectId,
    time: requiredNumber(source.midpointMjdTai, 'diaSource.midpointMjdTai'),
    timeScale: 'mjd_tai',
    ra: requiredNumber(source.ra, 'diaSource.ra'),
    dec: requiredNumber(source.dec, 'diaSource.dec'),
    band: bandOf(source),
    flux: measurement(source.psfFlux, source.psfFluxErr),
    lightCurve: [...history, current].sort((a, b) => a.time - b.time),
    cutouts: {
      science: cutoutOf(payload.cutoutScience),
      template: cutoutOf(payload.cutoutTemplate),
      difference: cutoutOf(payload.cutoutDifference),
    },
    payload,
    origin,
  };
}

/** `band` since v7 (older packets named it `filterName`). */
function bandOf(entry: Record<string, unknown>): string | null {
  const band = entry.band ?? entry.filterName;
  return typeof band === 'string' ? band : null;
}

function sourcePoint(entry: Record<string, unknown>, kind: 'detection' | 'forced', idField: string): LightCurvePoint {
  return {
    time: numberOf(entry.midpointMjdTai) ?? NaN,
    band: bandOf(entry),
    kind,
    current: false,
    flux: measurement(entry.psfFlux, entry.psfFluxErr),
    id: idOf(entry[idField], idField),
    entry,
  };
}

function nondetectionPoint(entry: Record<string, unknown>): LightCurvePoint {
  return {
    time: numberOf(entry.midpointMjdTai) ?? NaN,
    band: bandOf(entry),
    kind: 'upper-limit',
    current: false,
    flux: { value: null, error: numberOf(entry.diaNoise) },
    entry,
  };
}
