/** How alert values are written on the alert pages. */
import type { AlertSummary } from '../../api/aviary-api.js';

/** A model version; a local model (a folder, no registry version) says so. */
export function versionText(version: string | null): string {
  return version === null ? 'local folder (no version)' : `version ${version}`;
}

export function formatScore(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) : String(value);
}

export function formatNumber(value: number | null | undefined, digits = 3): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** ZTF times are Julian dates, Rubin's MJD. */
export function timeLabel(survey: string | undefined): string {
  return survey === 'lsst' ? 'MJD' : 'JD';
}

/** The calendar date of a JD (ZTF) or MJD (Rubin), in UTC. */
export function calendarDate(time: number, survey: string | undefined): string {
  const mjd = survey === 'lsst' ? time : time - 2400000.5;
  const ms = (mjd - 40587) * 86400000;
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '—';
}

/** The alert's brightness: ZTF magnitude, else Rubin flux. */
export function brightness(alert: AlertSummary): string {
  if (alert.magnitude !== null && alert.magnitude !== undefined) return `${formatNumber(alert.magnitude)} mag`;
  if (alert.flux !== null && alert.flux !== undefined) return `${formatNumber(alert.flux, 1)} nJy`;
  return '—';
}

/** Each module output name over a list of alerts, in first-seen order. */
export function scoreColumns(alerts: readonly AlertSummary[]): { module: string; output: string }[] {
  const seen = new Map<string, { module: string; output: string }>();
  for (const a of alerts) for (const s of a.scores) for (const output of Object.keys(s.outputs)) seen.set(`${s.module}.${output}`, { module: s.module, output });
  return [...seen.values()];
}

export function scoreOf(alert: AlertSummary, module: string, output: string): unknown {
  return alert.scores.find((s) => s.module === module)?.outputs[output];
}
