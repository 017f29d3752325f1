/**
 * An alert store opened on first use: commands and the server that never touch alerts neither
 * create nor lock `alerts.db`. Every call waits for the one opening; close() closes it if opened.
 */
import { existsSync } from 'node:fs';
import { redactUri } from '../../store/sql/database-uri.js';
import { sqlitePathOf } from '../../store/sql/open-database.js';
import type { AlertStore, BrokerRunStatus } from './alert-store.js';
import { openAlertStore } from './open-alert-store.js';

export class LazyAlertStore implements AlertStore {
  private opened?: Promise<AlertStore>;

  constructor(
    private readonly uri: string,
    private readonly open: (uri: string) => Promise<AlertStore> = openAlertStore,
  ) {}

  get description(): string {
    return `alerts at ${redactUri(this.uri)}`;
  }

  private store(): Promise<AlertStore> {
    this.opened ??= this.open(this.uri);
    return this.opened;
  }

  writeAlerts: AlertStore['writeAlerts'] = async (alerts) => (await this.store()).writeAlerts(alerts);
  writeModuleDeadLetters: AlertStore['writeModuleDeadLetters'] = async (letters) => (await this.store()).writeModuleDeadLetters(letters);
  writeSourceDeadLetters: AlertStore['writeSourceDeadLetters'] = async (letters) => (await this.store()).writeSourceDeadLetters(letters);
  getAlert: AlertStore['getAlert'] = async (alertId, survey) => (await this.store()).getAlert(alertId, survey);
  alertsOfObject: AlertStore['alertsOfObject'] = async (objectId) => (await this.store()).alertsOfObject(objectId);
  searchAlerts: AlertStore['searchAlerts'] = async (options) => (await this.store()).searchAlerts(options);
  cutouts: AlertStore['cutouts'] = async (alertId, survey) => (await this.store()).cutouts(alertId, survey);
  countAlerts: AlertStore['countAlerts'] = async () => (await this.store()).countAlerts();
  deadLetters: AlertStore['deadLetters'] = async (options) => (await this.store()).deadLetters(options);
  saveRunStatus: AlertStore['saveRunStatus'] = async (status) => (await this.store()).saveRunStatus(status);
  runStatuses: AlertStore['runStatuses'] = async (limit) => (await this.store()).runStatuses(limit);
  scoreHistograms: AlertStore['scoreHistograms'] = async (options) => (await this.store()).scoreHistograms(options);
  comparisonRows: AlertStore['comparisonRows'] = async (options) => (await this.store()).comparisonRows(options);

  /** The runs, without creating the store: none while it is unopened and its file does not exist (a server scraped for metrics that never held alerts). */
  async runStatusesIfStored(limit?: number): Promise<BrokerRunStatus[]> {
    const path = sqlitePathOf(this.uri);
    if (!this.opened && path !== undefined && path !== ':memory:' && !existsSync(path)) return [];
    return this.runStatuses(limit);
  }

  async close(): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    const store = await opened.catch(() => undefined);
    await store?.close();
  }
}
