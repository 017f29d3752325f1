/**
 * An alert store file written before scores had their own time (schema version 1) opens, is
 * migrated, reads each score's time as its alert's, and then keeps those scores when another
 * config's modules score the alerts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { ALERT_SCHEMA_VERSION } from '../../../src/broker/store/sqlite/alert-store-migrations.js';
import { enrich, ztfAlerts } from './alerts-real-alerts.js';

let work: string;
let ztf: Alert[];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-alert-migration-'));
  ztf = await ztfAlerts(5);
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('the alert store schema', () => {
  it('migrates a version 1 file: old scores keep their alert time and survive another config', async () => {
    const file = join(work, 'alerts.db');
    const uri = `sqlite:///${file}`;
    const store = await openAlertStore(uri);
    await store.writeAlerts(enrich(ztf));
    await store.close();
    // Back to version 1 as an older Aviary left it: no scored_at column, no shadow_scores.
    const db = new Sqlite(file);
    db.exec('ALTER TABLE alert_scores DROP COLUMN scored_at; DROP TABLE shadow_scores; UPDATE schema_version SET version = 1;');
    db.close();

    const reopened = await openAlertStore(uri);
    try {
      const old = (await reopened.getAlert(ztf[0]!.alertId))!;
      expect(old.scores.map((s) => [s.module, s.scoredAt])).toEqual([
        ['snia', old.storedAt],
        ['kind', old.storedAt],
      ]);
      const result = await reopened.writeAlerts(ztf.map((alert) => ({ alert, scores: [{ module: 'slsnp', model: 'slsnp-classifier', version: '2', outputs: { p: 0.5 } }] })));
      expect(result).toEqual({ inserted: 0, updated: ztf.length, refused: 0 });
      const merged = (await reopened.getAlert(ztf[0]!.alertId))!;
      expect(merged.scores.map((s) => s.module)).toEqual(['snia', 'kind', 'slsnp']);
      expect(merged.scores.slice(0, 2)).toEqual(old.scores);
    } finally {
      await reopened.close();
    }
    const check = new Sqlite(file, { readonly: true });
    expect(check.prepare('SELECT version FROM schema_version').pluck().get()).toBe(ALERT_SCHEMA_VERSION);
    check.close();
  });
});
