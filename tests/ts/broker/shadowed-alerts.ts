/**
 * Real alerts as a broker run with a champion and a challenger would store them, for the
 * comparison's tests: the module's scores and the shadow's from each alert's id, a labels file
 * as `aviary simulate` writes, and the run status that names the module.
 */
import { writeFile } from 'node:fs/promises';
import type { Alert } from '../../../src/broker/alert.js';
import type { EnrichedAlert } from '../../../src/broker/enriched-alert.js';
import { labelOf } from '../../../src/broker/simulate/simulate-alerts.js';
import type { BrokerRunStatus, ModuleStatus } from '../../../src/broker/store/alert-store.js';

export const MODEL = 'snia-model';

/** Scores from the alert id: the challenger's are related to the champion's but not equal. */
const spread = (id: bigint, k: bigint) => Number(((id ^ (id >> 13n)) * k) % 1000n) / 1000;
export const championScore = (a: Alert) => spread(a.alertId, 2654435761n);
export const challengerScore = (a: Alert) => 0.5 * championScore(a) + 0.5 * spread(a.alertId, 40503n);
export const isSnia = (a: Alert) => a.alertId % 3n === 0n;

export interface ShadowedAlerts {
  readonly enriched: EnrichedAlert[];
  /** Alerts with a number from both sides. */
  readonly compared: Alert[];
  /** Alerts with a challenger's outputs, text or number. */
  readonly shadowed: Alert[];
}

/** The first three alerts were scored before the challenger existed; the sixth has a text output from it. */
export function shadowedAlerts(alerts: readonly Alert[]): ShadowedAlerts {
  const enriched: EnrichedAlert[] = alerts.map((alert, i) => ({
    alert,
    scores: [{ module: 'snia', model: MODEL, version: '1', outputs: { snia_score: championScore(alert) } }],
    ...(i >= 3 && { shadows: [{ module: 'snia', alias: 'challenger', model: MODEL, version: '2', outputs: { snia_score: i === 5 ? 'failed' : challengerScore(alert) } }] }),
  }));
  return { enriched, compared: alerts.filter((_, i) => i >= 3 && i !== 5), shadowed: alerts.filter((_, i) => i >= 3) };
}

/** SN Ia or variable for each alert, as `aviary simulate` writes its labels. */
export async function writeLabels(file: string, alerts: readonly Alert[]): Promise<void> {
  const line = (a: Alert) => JSON.stringify(labelOf({ survey: a.survey, id: a.alertId, objectId: a.objectId as string | bigint, class: isSnia(a) ? 'snia' : 'variable' }));
  await writeFile(file, alerts.map((a) => `${line(a)}\n`).join(''));
}

/** A finished run with module snia (@champion, shadow @challenger, labels from `labelsFile`) and the `others` given. */
export function runStatus(config: string, labelsFile: string, others: readonly ModuleStatus[] = []): BrokerRunStatus {
  const at = new Date().toISOString();
  return {
    runId: 'run-1',
    state: 'finished',
    startedAt: at,
    updatedAt: at,
    finishedAt: at,
    config,
    alertsRead: 0,
    alertsStored: 0,
    alertsPerSecond: 0,
    sourceDeadLetters: 0,
    filters: [],
    modules: [
      {
        name: 'snia',
        model: `models:/${MODEL}@champion`,
        modelName: MODEL,
        version: '1',
        alias: 'champion',
        state: 'ready',
        scored: 0,
        deadLettered: 0,
        shadows: [{ alias: 'challenger', version: '2', state: 'ready', scored: 0, deadLettered: 0 }],
        labels: { file: labelsFile, positive: 'snia' },
      },
      ...others,
    ],
  };
}
