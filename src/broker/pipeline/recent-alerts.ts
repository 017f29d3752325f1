/**
 * The alerts a run stored last, with every module's outputs: what a new model version is checked
 * on before it may score (swap-check.ts). Before this run stored any, the store's own alerts
 * stand in.
 */
import type { Alert } from '../alert.js';
import type { EnrichedAlert, ModuleScores } from '../enriched-alert.js';
import type { AlertStore } from '../store/alert-store.js';
import { storedAlertToAlert } from '../store/stored-alert-to-alert.js';

export interface RecentAlert {
  readonly alert: Alert;
  readonly scores: readonly ModuleScores[];
}

export class RecentAlerts {
  private readonly kept: RecentAlert[] = [];

  constructor(
    private readonly store: AlertStore,
    readonly size = 200,
  ) {}

  /** Called with each delivered batch's stored alerts. */
  add(alerts: readonly EnrichedAlert[]): void {
    const from = Math.max(0, alerts.length - this.size);
    for (let i = from; i < alerts.length; i++) this.kept.push({ alert: alerts[i]!.alert, scores: alerts[i]!.scores });
    if (this.kept.length > this.size) this.kept.splice(0, this.kept.length - this.size);
  }

  async sample(): Promise<readonly RecentAlert[]> {
    if (this.kept.length > 0) return [...this.kept];
    const page = await this.store.searchAlerts({ limit: this.size });
    return page.alerts.map((stored) => ({ alert: storedAlertToAlert(stored), scores: stored.scores }));
  }
}
