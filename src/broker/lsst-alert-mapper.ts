/**
 * Rubin alerts (lsst.v7_x to v11_0, raw or Fink-enriched) to the common envelope. The alert id
 * is the triggering `diaSource.diaSourceId` (v7's separate `alertId` stays in the payload);
 * the object is `diaObjectId`, or for a source with no DIA object (Rubin writes null or 0: a
 * solar-system source) its `ssObjectId`, so that a moving object's alerts are found together;
 * null when it has neither. Ids in the history are kept as read. The light curve is
 * `prvDiaSources`, `prvDiaForcedSources` (forced photometry), v7's `prvDiaNondetectionLimits`
 * (upper limits: `diaNoise` is the flux noise) and the diaSource; fluxes are in nJy.
 */
import type { Alert, LightCurvePoint } from './alert.js';
import { cutoutOf, entryIdOf, idOf, isRecord, listOf, measurement, numberOf, requiredId, requiredNumber } from './alert-values.js';
import type { AlertOrigin } from './sources/alert-source.js';

export function mapLsstAlert(payload: Readonly<Record<string, unknown>>, origin: AlertOrigin): Alert {
  const source = payload.diaSource;
  if (!isRecord(source)) throw new Error('the Rubin alert has no diaSource');
  const alertId = isAbsent(source.diaSourceId) ? requiredId(payload.diaSourceId, 'diaSourceId') : requiredId(source.diaSourceId, 'diaSource.diaSourceId');
  const objectId = lsstDiaObjectId(payload) ?? ssObjectId(payload);
  const current: LightCurvePoint = { ...sourcePoint(source, 'detection', 'diaSourceId'), current: true };
  const history = [
    ...listOf(payload.prvDiaSources).map((entry) => sourcePoint(entry, 'detection', 'diaSourceId')),
    ...listOf(payload.prvDiaForcedSources).map((entry) => sourcePoint(entry, 'forced', 'diaForcedSourceId')),
    ...listOf(payload.prvDiaNondetectionLimits).map(nondetectionPoint),
  ];
  return {
    survey: 'lsst',
    alertId,
    objectId,
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

/** The alert's DIA object (`diaSource.diaObjectId`, else `diaObject.diaObjectId`), null for none (null or 0). */
export function lsstDiaObjectId(payload: Readonly<Record<string, unknown>>): bigint | null {
  const source = isRecord(payload.diaSource) ? payload.diaSource : {};
  const id = isAbsent(source.diaObjectId) && isRecord(payload.diaObject)
    ? idOf(payload.diaObject.diaObjectId, 'diaObject.diaObjectId')
    : idOf(source.diaObjectId, 'diaSource.diaObjectId');
  return id === 0n ? null : id;
}

/** The solar-system object: `diaSource.ssObjectId` (v7 to v11), else `ssSource`'s (v10+) or v7's `ssObject`'s; null for none (null or 0). */
function ssObjectId(payload: Readonly<Record<string, unknown>>): bigint | null {
  for (const holder of ['diaSource', 'ssSource', 'ssObject']) {
    const record = payload[holder];
    if (!isRecord(record) || isAbsent(record.ssObjectId)) continue;
    const id = idOf(record.ssObjectId, `${holder}.ssObjectId`);
    if (id !== 0n) return id;
  }
  return null;
}

function isAbsent(value: unknown): boolean {
  return value === null || value === undefined;
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
    id: entryIdOf(entry[idField]),
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
