/**
 * Stored alerts as the CLI and the HTTP API show them: plain objects for `toExactJson` (ids
 * stay BigInt), and an object's light curve merged over its alerts.
 */
import type { LightCurvePoint } from '../alert.js';
import type { StoredAlert } from './alert-store.js';
import { storedAlertToAlert } from './stored-alert-to-alert.js';

export interface LightCurvePointView {
  readonly time: number;
  readonly band: string | null;
  readonly kind: LightCurvePoint['kind'];
  readonly magnitude?: number | null;
  readonly magnitudeError?: number | null;
  readonly limitingMagnitude?: number | null;
  readonly flux?: number | null;
  readonly fluxError?: number | null;
  readonly id?: bigint | number | null;
}

/** The alert's columns and scores; its payload too when asked. */
export function storedAlertView(stored: StoredAlert, options: { payload?: boolean } = {}): Record<string, unknown> {
  const { payload, ...envelope } = stored;
  return options.payload ? { ...envelope, payload } : envelope;
}

export function lightCurvePointView(point: LightCurvePoint): LightCurvePointView {
  return {
    time: point.time,
    band: point.band,
    kind: point.kind,
    ...(point.magnitude && { magnitude: point.magnitude.value, magnitudeError: point.magnitude.error }),
    ...(point.limitingMagnitude !== undefined && { limitingMagnitude: point.limitingMagnitude }),
    ...(point.flux && { flux: point.flux.value, fluxError: point.flux.error }),
    ...(point.id !== undefined && { id: point.id }),
  };
}

/**
 * The union of the alerts' light curves, each rebuilt from its stored payload: a point seen in
 * several alerts (every alert repeats the object's history) is kept once, by (time, band, kind).
 */
export function mergedLightCurve(alerts: readonly StoredAlert[]): LightCurvePointView[] {
  const points = new Map<string, LightCurvePoint>();
  for (const stored of alerts) {
    for (const point of storedAlertToAlert(stored).lightCurve) {
      const key = `${point.time}|${point.band}|${point.kind}`;
      if (!points.has(key)) points.set(key, point);
    }
  }
  return [...points.values()].sort((a, b) => a.time - b.time).map(lightCurvePointView);
}

/** An object's alerts (without payloads) and its merged light curve. */
export function objectView(objectId: string, alerts: readonly StoredAlert[]): Record<string, unknown> {
  return { objectId: alerts[0]?.objectId ?? objectId, alerts: alerts.map((a) => storedAlertView(a)), lightCurve: mergedLightCurve(alerts) };
}
