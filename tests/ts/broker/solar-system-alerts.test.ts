/**
 * Rubin solar-system sources (diaObjectId 0, ssObjectId set) in the real raw-v9_0 alerts: the
 * ssObjectId is their object, exact past 2^53, and `aviary alerts object <ssObjectId>` finds
 * all of a moving object's alerts in a real SQLite store, as does `GET /api/aviary/objects/<id>`
 * (which the UI's object page calls).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForDataDir, openAviary } from '../../../src/app/open-aviary.js';
import type { Alert } from '../../../src/broker/alert.js';
import { finkAlertDict } from '../../../src/broker/fink-alert-dict.js';
import { MemoryAlertStore } from '../../../src/broker/store/memory-alert-store.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { alertsCommand } from '../../../src/cli/commands/alerts-command.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { silentLogger } from '../../../src/common/logger.js';
import { createApp } from '../../../src/server/create-app.js';
import { enrich, readRealAlerts } from './alerts-real-alerts.js';
import { dataPath } from './shared-data.js';

const aviary = (...args: string[]) => runInProcess(alertsCommand, args);
const diaSource = (alert: Alert) => alert.payload.diaSource as Record<string, unknown>;

let work: string;
let dataDir: string;
let alerts: Alert[];
let solarSystem: Alert[];

beforeAll(async () => {
  alerts = await readRealAlerts(dataPath('rubin/raw-v9_0'));
  solarSystem = alerts.filter((a) => diaSource(a).diaObjectId === 0n);
  work = await mkdtemp(join(tmpdir(), 'aviary-solar-system-'));
  dataDir = join(work, 'data');
  const store = await openAlertStore(`sqlite:///${dataDir}/alerts.db`);
  await store.writeAlerts(enrich(alerts));
  await store.close();
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** The moving object with the most alerts, and its alerts. */
function busiestObject(): [bigint, Alert[]] {
  const byObject = new Map<bigint, Alert[]>();
  for (const a of solarSystem) byObject.set(a.objectId as bigint, [...(byObject.get(a.objectId as bigint) ?? []), a]);
  return [...byObject].sort((x, y) => y[1].length - x[1].length)[0]!;
}

describe('Rubin solar-system alerts', () => {
  it('take the ssObjectId as object, exact, and leave the Fink dict its diaObjectId', () => {
    expect(solarSystem).toHaveLength(4);
    for (const alert of solarSystem) {
      const ss = diaSource(alert).ssObjectId;
      expect(typeof ss).toBe('bigint');
      expect(ss as bigint > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      expect(alert.objectId).toBe(ss);
      expect((alert.payload.ssSource as Record<string, unknown>).ssObjectId).toBe(ss);
      expect(finkAlertDict(alert).diaObjectId).toBeNull();
    }
    const others = alerts.filter((a) => !solarSystem.includes(a));
    for (const alert of others) expect(alert.objectId).toBe(diaSource(alert).diaObjectId);
  });

  it('are found by `aviary alerts object <ssObjectId>`, every alert of the moving object', async () => {
    const [objectId, mine] = busiestObject();
    expect(mine.length).toBeGreaterThan(1);
    const { code, stdout, stderr } = await aviary('object', String(objectId), '--data-dir', dataDir, '--json');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const json = parseExactJson(stdout) as { objectId: unknown; alerts: { alertId: bigint; objectId: unknown }[]; lightCurve: unknown[] };
    expect(json.objectId).toBe(objectId);
    expect(json.alerts.map((a) => a.alertId).sort()).toEqual(mine.map((a) => a.alertId).sort());
    expect(json.alerts.every((a) => a.objectId === objectId)).toBe(true);
    expect(json.lightCurve.length).toBeGreaterThanOrEqual(mine.length);
  });

  it('are found by GET /api/aviary/objects/<ssObjectId>, the id exact in the JSON', async () => {
    const [objectId, mine] = busiestObject();
    const aviary = await openAviary(configForDataDir(dataDir), silentLogger);
    const server = createApp(aviary, { version: 'test' }, silentLogger);
    try {
      await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/aviary/objects/${objectId}`);
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).toContain(`"objectId":${objectId}`);
      const body = parseExactJson(text) as { alerts: { alertId: bigint }[] };
      expect(body.alerts.map((a) => a.alertId).sort()).toEqual(mine.map((a) => a.alertId).sort());
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await aviary.close();
    }
  });

  it('are found by the in-memory store too', async () => {
    const [objectId, mine] = busiestObject();
    const store = new MemoryAlertStore();
    await store.writeAlerts(enrich(alerts));
    expect((await store.alertsOfObject(String(objectId))).map((s) => s.alertId).sort()).toEqual(mine.map((a) => a.alertId).sort());
  });
});
