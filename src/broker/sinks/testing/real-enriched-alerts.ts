/**
 * Test support: real alerts from ../shared/data (read in place) with made-up module scores,
 * and the records of an output file read back with the broker's own source.
 */
import type { Alert } from '../../alert.js';
import type { EnrichedAlert, ModuleScores } from '../../enriched-alert.js';
import { isDeadLetter, readAlerts } from '../../read-alerts.js';
import type { RawAlertRecord } from '../../sources/alert-source.js';
import { openAlertSource } from '../../sources/open-alert-source.js';
import { dataPath } from '../../../../tests/ts/broker/shared-data.js';

export async function realAlerts(path: string, limit = Infinity): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for await (const item of readAlerts(openAlertSource(dataPath(path)))) {
    if (isDeadLetter(item)) throw new Error(item.reason);
    alerts.push(item);
    if (alerts.length >= limit) break;
  }
  return alerts;
}

/** Scores that differ per alert (derived from its id), so a mix-up between alerts shows. */
export function fakeScores(alert: Alert): ModuleScores[] {
  const score = Number(alert.alertId % 1000n) / 1000;
  return [
    { module: 'snia', model: 'snia-model', version: '3', outputs: { snia_score: score } },
    { module: 'kind', model: '/models/kind', version: null, outputs: { kind_label: score > 0.5 ? 'high' : 'low', kind_flag: score > 0.5 } },
  ];
}

export const enrich = (alerts: readonly Alert[]): EnrichedAlert[] => alerts.map((alert) => ({ alert, scores: fakeScores(alert) }));

export async function readBack(paths: string | readonly string[]): Promise<RawAlertRecord[]> {
  const records: RawAlertRecord[] = [];
  for await (const item of openAlertSource(paths)) {
    if (item.kind === 'dead-letter') throw new Error(`${item.origin.file}: ${item.reason}`);
    records.push(item);
  }
  return records;
}
