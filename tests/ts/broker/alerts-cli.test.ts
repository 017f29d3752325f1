/**
 * `aviary alerts get | object | search`, run in-process on a data dir whose alert store holds
 * real ZTF and Rubin alerts with made-up scores; stdout, stderr and the exit status captured.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { alertsCommand } from '../../../src/cli/commands/alerts-command.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { enrich, madeUpScore, rubinAlerts, ztfAlerts } from './alerts-real-alerts.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';

const aviary = (...args: string[]) => runInProcess(alertsCommand, args);

let work: string;
let dataDir: string;
let ztf: Alert[];
let rubin: Alert[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-alerts-cli-'));
  dataDir = join(work, 'data');
  ztf = await ztfAlerts(30);
  rubin = await rubinAlerts();
  const store = await openAlertStore(`sqlite:///${dataDir}/alerts.db`);
  await store.writeAlerts(enrich([...ztf, ...rubin]));
  await store.close();
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('aviary alerts', () => {
  it('gets an alert by its exact id: envelope and every module with model and version', async () => {
    const alert = ztf[2]!;
    const { code, stdout } = await aviary('get', String(alert.alertId), '--data-dir', dataDir);
    expect(code).toBe(0);
    expect(stdout).toContain(`ztf alert ${alert.alertId}  object ${alert.objectId}`);
    expect(stdout).toContain(`snia: snia-classifier version 3  snia_score=${madeUpScore(alert).toFixed(4)}`);
    expect(stdout).toContain('kind: kind-labeller (local model)  label=transient real=true');
    const json = await aviary('get', String(rubin[0]!.alertId), '--data-dir', dataDir, '--json');
    expect(json.stdout).toContain(`"alertId":${rubin[0]!.alertId}`);
    const parsed = parseExactJson(json.stdout) as { payload: { diaSource: { diaSourceId: bigint } } };
    expect(parsed.payload.diaSource.diaSourceId).toBe(rubin[0]!.alertId);
  });

  it('says what is wrong with an unknown or malformed id', async () => {
    const unknown = await aviary('get', String(ztf[0]!.alertId + 1n), '--data-dir', dataDir);
    expect(unknown).toMatchObject({ code: 1, stderr: `aviary: no stored alert with id ${ztf[0]!.alertId + 1n}\n` });
    const malformed = await aviary('get', '2.5e18', '--data-dir', dataDir);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/invalid alert id '2.5e18'/);
  });

  it("shows an object's alerts, scores and merged light curve with detections and upper limits", async () => {
    const counts = new Map<string, Alert[]>();
    for (const a of ztf) counts.set(String(a.objectId), [...(counts.get(String(a.objectId)) ?? []), a]);
    const [objectId, alerts] = [...counts].find(([, list]) => list.length > 1)!;
    const { code, stdout } = await aviary('object', objectId, '--data-dir', dataDir);
    expect(code).toBe(0);
    expect(stdout).toContain(`object ${objectId}: ${alerts.length} alert(s)`);
    for (const a of alerts) expect(stdout).toContain(String(a.alertId));
    expect(stdout).toMatch(/detection\s+\d+\.\d{3} ± \d+\.\d{3}/);
    expect(stdout).toMatch(/upper-limit\s+> \d+\.\d{3}/);
    const json = parseExactJson((await aviary('object', objectId, '--data-dir', dataDir, '--json')).stdout) as { lightCurve: unknown[]; alerts: unknown[] };
    expect(json.alerts).toHaveLength(alerts.length);
    expect(stdout).toContain(`light curve: ${json.lightCurve.length} point(s)`);
  });

  it('searches with a filter expression and prints syntax errors with a caret', async () => {
    const expected = ztf.filter((a) => madeUpScore(a) > 0.5);
    const { code, stdout } = await aviary('search', 'snia_score > 0.5', '--survey', 'ztf', '--data-dir', dataDir, '--json');
    expect(code).toBe(0);
    const found = (parseExactJson(stdout) as { alerts: { alertId: bigint }[] }).alerts.map((a) => a.alertId);
    expect(found.sort()).toEqual(expected.map((a) => a.alertId).sort());
    const paged = await aviary('search', 'snia_score > 0.5', '--limit', '1', '--data-dir', dataDir);
    expect(paged.stdout).toMatch(/more may match: add --after (ztf|lsst):\d+/);
    const bad = await aviary('search', 'snia_score >> 0.5', '--data-dir', dataDir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/position \d+\n {2}snia_score >> 0\.5\n {2} *\^/);
  });

  it('says where the store is missing and how to fill it', async () => {
    const { code, stderr } = await aviary('get', '1', '--data-dir', join(work, 'empty'));
    expect(code).toBe(1);
    expect(stderr).toContain(`no alert store at ${join(work, 'empty', 'alerts.db')}: run \`aviary broker run <config>\``);
  });
});
