/**
 * Real alerts for the alert store's tests, read in place from the shared data folder: ZTF
 * alerts as Fink redistributes them (fink-topics-2023) and Rubin alerts with Fink's columns
 * (fink-enriched-2026), with made-up module scores derived from each alert's id.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Alert } from '../../../src/broker/alert.js';
import type { EnrichedAlert, ModuleScores } from '../../../src/broker/enriched-alert.js';
import { isDeadLetter, readAlerts } from '../../../src/broker/read-alerts.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';

export const SHARED_DATA = resolve(process.cwd(), '../shared/data');
export const ZTF_FOLDER = join(SHARED_DATA, 'ztf/fink-topics-2023');
export const RUBIN_FILE = join(SHARED_DATA, 'rubin/fink-enriched-2026/part-2-918301.avro');

export async function readRealAlerts(paths: string | string[]): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for await (const item of readAlerts(openAlertSource(paths))) {
    if (isDeadLetter(item)) throw new Error(`test data could not be read: ${item.reason}`);
    alerts.push(item);
  }
  return alerts;
}

/** The first `count` ZTF files' alerts, in file name order, each alert once (some files repeat an alert). */
export async function ztfAlerts(count: number): Promise<Alert[]> {
  const files = (await readdir(ZTF_FOLDER)).filter((f) => f.endsWith('.avro')).sort().slice(0, count);
  const seen = new Set<bigint>();
  return (await readRealAlerts(files.map((f) => join(ZTF_FOLDER, f)))).filter((a) => !seen.has(a.alertId) && seen.add(a.alertId));
}

export function rubinAlerts(): Promise<Alert[]> {
  return readRealAlerts(RUBIN_FILE);
}

/** A score in [0, 1) from the alert id, so that a filter on it splits the alerts. */
export function madeUpScore(alert: Alert): number {
  return Number(alert.alertId % 1000n) / 1000;
}

export function madeUpScores(alert: Alert, version = '3'): ModuleScores[] {
  return [
    { module: 'snia', model: 'snia-classifier', version, outputs: { snia_score: madeUpScore(alert) } },
    { module: 'kind', model: 'kind-labeller', version: null, outputs: { label: alert.survey === 'ztf' ? 'transient' : 'variable', real: true } },
  ];
}

export function enrich(alerts: readonly Alert[], version = '3'): EnrichedAlert[] {
  return alerts.map((alert) => ({ alert, scores: madeUpScores(alert, version) }));
}
