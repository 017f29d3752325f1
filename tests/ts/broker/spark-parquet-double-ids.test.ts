/**
 * Fink's Spark Parquet stores the history's ids as doubles (`prv_candidates[].candid`) while the
 * alert's own `candid` is an exact int64: every such alert is read, its own id exact, the
 * history's ids kept as read; a double in the alert's own candid is still refused, by name.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { isDeadLetter, readAlerts } from '../../../src/broker/read-alerts.js';
import type { DeadLetter } from '../../../src/broker/sources/alert-source.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import { dataPath } from './shared-data.js';
import { writeWithDoubleIds } from './spark-parquet-doubles.js';

const REAL = dataPath('parquet/ztf-raw-2019/alerts.parquet');

const read = async (path: string) => {
  const alerts: Alert[] = [];
  const dead: DeadLetter[] = [];
  for await (const item of readAlerts(openAlertSource(path))) {
    if (isDeadLetter(item)) dead.push(item);
    else alerts.push(item);
  }
  return { alerts, dead };
};

const entries = (alert: Alert) => (alert.payload.prv_candidates ?? []) as Record<string, unknown>[];

let dir: string;
let original: Alert[];
let historyDoubles: string;
let ownDouble: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aviary-spark-doubles-'));
  historyDoubles = join(dir, 'history-doubles.parquet');
  ownDouble = join(dir, 'own-double.parquet');
  await writeWithDoubleIds(REAL, historyDoubles, ['prv_candidates[].candid']);
  await writeWithDoubleIds(REAL, ownDouble, ['candid', 'prv_candidates[].candid']);
  original = (await read(REAL)).alerts;
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a Spark Parquet file whose prv_candidates[].candid are doubles', () => {
  it('reads every alert, none dead-lettered, each with its own candid exact', async () => {
    const { alerts, dead } = await read(historyDoubles);
    expect(dead).toEqual([]);
    expect(alerts).toHaveLength(51);
    expect(alerts.map((a) => a.alertId)).toEqual(original.map((a) => a.alertId));
    for (const alert of alerts) {
      expect(typeof alert.alertId).toBe('bigint');
      expect(alert.alertId > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      expect(alert.payload.candid).toBe(alert.alertId);
    }
  });

  it('keeps the history candids as read: doubles, in the payload and in the light curve', async () => {
    const { alerts } = await read(historyDoubles);
    const withIds = alerts.flatMap((alert, i) => entries(alert).map((entry, j) => ({ entry, source: entries(original[i]!)[j]! }))).filter(({ source }) => source.candid !== null);
    expect(withIds.length).toBeGreaterThan(0);
    for (const { entry, source } of withIds) {
      expect(typeof source.candid).toBe('bigint');
      expect(entry.candid).toBe(Number(source.candid));
    }
    const historyPoints = alerts.flatMap((a) => a.lightCurve.filter((p) => !p.current && p.kind !== 'forced' && p.id !== null));
    expect(historyPoints.length).toBe(withIds.length);
    for (const point of historyPoints) {
      expect(typeof point.id).toBe('number');
      expect(point.id).toBe(point.entry.candid);
    }
  });

  it("still refuses an alert whose own candid is a double, naming the alert's own field and value", async () => {
    const { alerts, dead } = await read(ownDouble);
    expect(alerts).toEqual([]);
    expect(dead).toHaveLength(51);
    for (const [i, letter] of dead.entries()) {
      expect(letter.origin).toMatchObject({ file: ownDouble, index: i });
      expect(letter.reason).toBe(`candid is not an exact integer: ${Number(original[i]!.alertId)} (a number past 2^53 has lost its last digits)`);
    }
  });
});
