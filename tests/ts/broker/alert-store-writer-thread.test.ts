/**
 * What the writer thread adds to the alert store contract (run on it in
 * tests/ts/contracts/alert-store.contract.test.ts): a write SQLite refuses rejects that write
 * with SQLite's reason and stores nothing of it, the next write still goes through, and close()
 * waits for every write handed over before it returns.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { SqliteAlertStore } from '../../../src/broker/store/sqlite-alert-store.js';
import { enrich, ztfAlerts } from './alerts-real-alerts.js';

let alerts: Alert[];
beforeAll(async () => {
  alerts = await ztfAlerts(12);
});

describe('SqliteAlertStore with a writer thread', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aviary-writer-thread-'));
    path = join(dir, 'alerts.db');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('rejects a write SQLite refuses with its reason, keeps nothing of it, and writes the next batch', async () => {
    const store = new SqliteAlertStore(path, { writerThread: true });
    const other = new Sqlite(path);
    try {
      other.exec(`CREATE TRIGGER refuse BEFORE INSERT ON cutouts BEGIN SELECT RAISE(ABORT, 'no room for cutouts'); END`);
      await expect(store.writeAlerts(enrich(alerts))).rejects.toThrow('no room for cutouts');
      expect(await store.countAlerts()).toBe(0);
      other.exec('DROP TRIGGER refuse');
      expect(await store.writeAlerts(enrich(alerts))).toEqual({ inserted: alerts.length, updated: 0, refused: 0 });
      expect(await store.countAlerts()).toBe(alerts.length);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('close() waits for the writes handed over, and a second handle reads them all exactly', async () => {
    const store = new SqliteAlertStore(path, { writerThread: true });
    const half = Math.ceil(alerts.length / 2);
    const writes = [store.writeAlerts(enrich(alerts.slice(0, half))), store.writeAlerts(enrich(alerts.slice(half))), store.writeAlerts(enrich(alerts, '4'))];
    await store.close();
    expect(await Promise.all(writes)).toEqual([
      { inserted: half, updated: 0, refused: 0 },
      { inserted: alerts.length - half, updated: 0, refused: 0 },
      { inserted: 0, updated: alerts.length, refused: 0 },
    ]);
    const reader = new SqliteAlertStore(path);
    try {
      expect(await reader.countAlerts()).toBe(alerts.length);
      const big = alerts.find((a) => a.alertId > 2n ** 53n)!;
      expect((await reader.getAlert(big.alertId, 'ztf'))?.alertId).toBe(big.alertId);
      expect((await reader.getAlert(big.alertId, 'ztf'))?.scores[0]?.version).toBe('4');
    } finally {
      await reader.close();
    }
  });

  it('rejects writes after close', async () => {
    const store = new SqliteAlertStore(path, { writerThread: true });
    await store.close();
    await expect(store.writeAlerts(enrich(alerts))).rejects.toThrow(/writer thread/);
  });
});
