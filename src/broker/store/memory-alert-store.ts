/**
 * The alert store in memory: for tests and for broker runs that keep nothing. Same contract as
 * the SQLite store (idempotent by survey and alert id, scores by module, shadows by module and
 * alias, keyset pages, cutouts apart).
 */
import type { Cutouts, Survey } from '../alert.js';
import type { EnrichedAlert, ModuleDeadLetter } from '../enriched-alert.js';
import type { DeadLetter } from '../sources/alert-source.js';
import type { AlertPage, AlertStore, BrokerRunStatus, ComparisonRow, ComparisonRowsOptions, ScoreHistogram, ScoreHistogramOptions, SearchOptions, StoredAlert, StoredDeadLetter, WriteResult } from './alert-store.js';
import { compareKeys, decodeCursor, encodeCursor, MAX_ROWS_SCANNED, pageSize } from './alert-page-cursor.js';
import { comparisonLimit, labelOf } from './comparison-rows.js';
import { liveRunStatuses } from './live-run-status.js';
import { histogramsOfScores } from './score-histograms.js';
import { moduleDeadLetter, sourceDeadLetter } from './stored-dead-letter.js';
import { storedFilterRecord } from './stored-alert-to-alert.js';
import { alertKey, objectConflictReason, objectKey, presentCutouts, toStoredAlert } from './stored-alert-parts.js';

interface Entry {
  readonly stored: StoredAlert;
  readonly cutouts: Cutouts;
}

export class MemoryAlertStore implements AlertStore {
  readonly description = 'alerts in memory';
  private readonly alerts = new Map<string, Entry>();
  private readonly letters: StoredDeadLetter[] = [];
  private readonly runs = new Map<string, BrokerRunStatus>();

  async writeAlerts(alerts: readonly EnrichedAlert[]): Promise<WriteResult> {
    let inserted = 0;
    let updated = 0;
    let refused = 0;
    const refusals: { index: number; reason: string }[] = [];
    const storedAt = new Date().toISOString();
    for (const [index, enriched] of alerts.entries()) {
      const { alert } = enriched;
      const key = alertKey(alert.survey, alert.alertId);
      const before = this.alerts.get(key)?.stored;
      if (before) {
        const conflict = objectConflictReason(alert.survey, alert.alertId, objectKey(before.objectId), objectKey(alert.objectId));
        if (conflict !== undefined) {
          refused++;
          refusals.push({ index, reason: conflict });
          this.letters.push(sourceDeadLetter({ kind: 'dead-letter', origin: alert.origin, reason: conflict }, storedAt));
          continue;
        }
        updated++;
      } else inserted++;
      const cutouts = Object.fromEntries(presentCutouts(alert.cutouts)) as Cutouts;
      this.alerts.set(key, { stored: toStoredAlert(enriched, storedAt, before), cutouts });
    }
    return refused > 0 ? { inserted, updated, refused, refusals } : { inserted, updated, refused };
  }

  async writeModuleDeadLetters(letters: readonly ModuleDeadLetter[]): Promise<void> {
    const at = new Date().toISOString();
    for (const letter of letters) this.letters.push(moduleDeadLetter(letter, at));
  }

  async writeSourceDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    const at = new Date().toISOString();
    for (const letter of letters) this.letters.push(sourceDeadLetter(letter, at));
  }

  async getAlert(alertId: bigint, survey?: Survey): Promise<StoredAlert | undefined> {
    return this.entry(alertId, survey)?.stored;
  }

  async alertsOfObject(objectId: string | bigint): Promise<StoredAlert[]> {
    const key = String(objectId);
    return [...this.alerts.values()]
      .map((e) => e.stored)
      .filter((s) => objectKey(s.objectId) === key)
      .sort((a, b) => a.time - b.time || compareKeys(a, b));
  }

  async searchAlerts(options: SearchOptions = {}): Promise<AlertPage> {
    const limit = pageSize(options.limit);
    const after = options.after === undefined ? undefined : decodeCursor(options.after);
    const rows = [...this.alerts.values()]
      .map((e) => e.stored)
      .filter((s) => (options.survey === undefined || s.survey === options.survey) && (after === undefined || compareKeys(s, after) > 0))
      .sort(compareKeys);
    const found: StoredAlert[] = [];
    let scanned = 0;
    for (const stored of rows) {
      scanned++;
      if (!options.filter || options.filter.matches(storedFilterRecord(stored))) found.push(stored);
      const more = scanned < rows.length;
      if (more && (found.length === limit || scanned === MAX_ROWS_SCANNED)) return { alerts: found, next: encodeCursor(stored) };
    }
    return { alerts: found };
  }

  async cutouts(alertId: bigint, survey?: Survey): Promise<Cutouts> {
    return this.entry(alertId, survey)?.cutouts ?? {};
  }

  async countAlerts(): Promise<number> {
    return this.alerts.size;
  }

  async deadLetters(options: { module?: string; limit?: number } = {}): Promise<StoredDeadLetter[]> {
    const limit = pageSize(options.limit);
    const wanted = options.module === undefined ? this.letters : this.letters.filter((l) => l.kind === 'module' && l.module === options.module);
    return wanted.slice(-limit).reverse();
  }

  async saveRunStatus(status: BrokerRunStatus): Promise<void> {
    this.runs.set(status.runId, status);
  }

  async runStatuses(limit?: number): Promise<BrokerRunStatus[]> {
    const newestFirst = [...this.runs.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
    return liveRunStatuses(newestFirst.slice(0, pageSize(limit)));
  }

  async scoreHistograms(options: ScoreHistogramOptions): Promise<ScoreHistogram[]> {
    const alerts = this.alerts;
    function* scores() {
      for (const { stored } of alerts.values()) for (const [position, s] of stored.scores.entries()) yield { ...s, position };
    }
    return histogramsOfScores(scores(), options);
  }

  async comparisonRows(options: ComparisonRowsOptions): Promise<ComparisonRow[]> {
    const limit = comparisonLimit(options.limit);
    const both: { stored: StoredAlert; scoredAt: string; row: ComparisonRow }[] = [];
    for (const { stored } of this.alerts.values()) {
      const shadow = stored.shadows?.find((s) => s.module === options.module && s.alias === options.alias);
      const champion = stored.scores.find((s) => s.module === options.module);
      if (!shadow || !champion) continue;
      const { survey, alertId, objectId, time } = stored;
      const row = { survey, alertId, objectId, time, champion: { version: champion.version, outputs: champion.outputs }, shadow: { version: shadow.version, outputs: shadow.outputs } };
      both.push({ stored, scoredAt: shadow.scoredAt, row });
    }
    // The SQL stores' order: the shadow's write newest first, then (survey, alert id) descending.
    both.sort((a, b) => (a.scoredAt !== b.scoredAt ? (a.scoredAt < b.scoredAt ? 1 : -1) : -compareKeys(a.stored, b.stored)));
    const field = options.labelField;
    return both.slice(0, limit).map(({ stored, row }) => (field === undefined ? row : { ...row, label: labelOf(stored, field) }));
  }

  async close(): Promise<void> {}

  /** When the survey is not given and both hold the id, the ZTF alert (see `AlertStore.getAlert`). */
  private entry(alertId: bigint, survey?: Survey): Entry | undefined {
    if (survey !== undefined) return this.alerts.get(alertKey(survey, alertId));
    return this.alerts.get(alertKey('ztf', alertId)) ?? this.alerts.get(alertKey('lsst', alertId));
  }
}
