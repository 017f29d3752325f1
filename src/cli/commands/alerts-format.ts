/** The text `aviary alerts` prints: an alert with its scores, tables of alerts and light-curve points. */
import type { ModuleScores } from '../../broker/enriched-alert.js';
import type { StoredAlert } from '../../broker/store/alert-store.js';
import type { LightCurvePointView } from '../../broker/store/alert-views.js';

const num = (value: number | null | undefined, digits = 3): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);

function withError(value: number | null | undefined, error: number | null | undefined, digits: number): string {
  return error === null || error === undefined ? num(value, digits) : `${num(value, digits)} ± ${num(error, digits)}`;
}

export function scoresLine(scores: ModuleScores): string {
  const outputs = Object.entries(scores.outputs).map(([name, v]) => `${name}=${typeof v === 'number' ? num(v, 4) : String(v)}`);
  const version = scores.version === null ? '(local model)' : `version ${scores.version}`;
  return `${scores.module}: ${scores.model} ${version}  ${outputs.join(' ')}`;
}

export function formatAlert(stored: StoredAlert): string {
  const brightness = stored.magnitude !== null ? `mag ${num(stored.magnitude)}` : stored.flux !== null ? `flux ${num(stored.flux, 1)} nJy` : '';
  const lines = [
    `${stored.survey} alert ${stored.alertId}  object ${stored.objectId ?? '-'}`,
    `  time ${num(stored.time, 5)} (${stored.survey === 'ztf' ? 'JD' : 'MJD TAI'})  ra ${num(stored.ra, 6)}  dec ${num(stored.dec, 6)}  band ${stored.band ?? '-'}  ${brightness}`,
    `  read from ${stored.sourceFile}, stored ${stored.storedAt}`,
    stored.scores.length === 0 ? '  no module scores' : '  scores:',
    ...stored.scores.map((s) => `    ${scoresLine(s)}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

export function alertsTable(alerts: readonly StoredAlert[]): string {
  return table(
    ['survey', 'alert id', 'object', 'time', 'band', 'mag/flux', 'scores'],
    alerts.map((a) => [
      a.survey,
      String(a.alertId),
      String(a.objectId ?? '-'),
      num(a.time, 5),
      a.band ?? '-',
      a.magnitude !== null ? num(a.magnitude) : num(a.flux, 1),
      a.scores.flatMap((s) => Object.entries(s.outputs).map(([k, v]) => `${k}=${typeof v === 'number' ? num(v, 4) : String(v)}`)).join(' '),
    ]),
  );
}

/** One row per point: detections with mag ± err (or flux ± err), upper limits with their limiting magnitude. */
export function lightCurveTable(points: readonly LightCurvePointView[]): string {
  return table(
    ['time', 'band', 'kind', 'magnitude', 'flux', 'limit'],
    points.map((p) => [
      num(p.time, 5),
      p.band ?? '-',
      p.kind,
      p.magnitude === undefined ? '' : withError(p.magnitude, p.magnitudeError, 3),
      p.flux === undefined ? '' : withError(p.flux, p.fluxError, 1),
      p.kind === 'detection' || p.limitingMagnitude === undefined ? '' : `> ${num(p.limitingMagnitude)}`,
    ]),
  );
}
