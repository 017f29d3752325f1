/**
 * The alerts HTTP API of `aviary server`, in-process on a temporary data dir whose alert store
 * holds real ZTF and Rubin alerts with made-up scores.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForDataDir, openAviary, type Aviary } from '../../../src/app/open-aviary.js';
import type { Alert } from '../../../src/broker/alert.js';
import { silentLogger } from '../../../src/common/logger.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { createApp } from '../../../src/server/create-app.js';
import { enrich, madeUpScore, rubinAlerts, ztfAlerts } from './alerts-real-alerts.js';

let work: string;
let aviary: Aviary;
let server: Server;
let url: string;
let ztf: Alert[];
let rubin: Alert[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-alerts-http-'));
  aviary = await openAviary(configForDataDir(join(work, 'data')), silentLogger);
  ztf = await ztfAlerts(30);
  rubin = await rubinAlerts();
  await aviary.alerts.writeAlerts(enrich([...ztf, ...rubin]));
  await aviary.alerts.writeModuleDeadLetters([
    { module: 'snia', survey: 'ztf', alertId: ztf[0]!.alertId, objectId: ztf[0]!.objectId, stage: 'predict', reason: 'ValueError: bad', model: 'snia-classifier', version: '3' },
  ]);
  await aviary.alerts.saveRunStatus({
    runId: 'run-1', state: 'finished', startedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:01:00.000Z', config: 'broker.yaml',
    alertsRead: 27, alertsStored: 27, alertsPerSecond: 100, sourceDeadLetters: 0, modules: [], filters: [],
  });
  server = createApp(aviary, { version: 'test' }, silentLogger);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await aviary.close();
  await rm(work, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; text: string; body: Record<string, unknown>; response: Response }> {
  const response = await fetch(url + path);
  const text = await response.text();
  const body = response.headers.get('content-type')?.startsWith('application/json') ? (parseExactJson(text) as Record<string, unknown>) : {};
  return { status: response.status, text, body, response };
}

describe('alerts HTTP API', () => {
  it('answers one alert with exact ids, its scores and payload', async () => {
    for (const alert of [ztf[3]!, rubin[0]!]) {
      const { status, text, body } = await get(`/api/aviary/alerts/${alert.alertId}`);
      expect(status).toBe(200);
      expect(text).toContain(`"alertId":${alert.alertId}`);
      const stored = body.alert as Record<string, unknown>;
      expect(stored.alertId).toBe(alert.alertId);
      expect(stored.survey).toBe(alert.survey);
      expect((stored.scores as { outputs: { snia_score: number } }[])[0]!.outputs.snia_score).toBe(madeUpScore(alert));
      expect(stored.payload).toBeDefined();
    }
    expect((await get(`/api/aviary/alerts/${rubin[0]!.alertId}?survey=ztf`)).status).toBe(404);
  });

  it('answers 404 for an unknown alert and 400 for a malformed id or survey, in the JSON error shape', async () => {
    const missing = await get(`/api/aviary/alerts/${ztf[0]!.alertId + 1n}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `No stored alert with id ${ztf[0]!.alertId + 1n}` });
    const bad = await get('/api/aviary/alerts/12ab');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/Invalid alert id '12ab'/);
    expect((await get(`/api/aviary/alerts/${ztf[0]!.alertId}?survey=tess`)).status).toBe(400);
  });

  it('searches with a filter, pages with `next`, and reports filter syntax errors with the position', async () => {
    const expected = [...ztf, ...rubin].filter((a) => madeUpScore(a) > 0.5).map((a) => String(a.alertId)).sort();
    const found: string[] = [];
    let after: string | undefined;
    do {
      const page = await get(`/api/aviary/alerts/search?filter=${encodeURIComponent('snia_score > 0.5')}&limit=2${after ? `&after=${after}` : ''}`);
      expect(page.status).toBe(200);
      const alerts = page.body.alerts as { alertId: bigint; payload?: unknown }[];
      expect(alerts.length).toBeLessThanOrEqual(2);
      for (const a of alerts) expect(page.text).toContain(`"alertId":${a.alertId}`);
      found.push(...alerts.map((a) => String(a.alertId)));
      after = page.body.next as string | undefined;
    } while (after);
    expect(found.sort()).toEqual(expected);
    const onlyRubin = await get('/api/aviary/alerts/search?survey=lsst&limit=1000');
    expect((onlyRubin.body.alerts as unknown[]).length).toBe(rubin.length);
    const syntax = await get(`/api/aviary/alerts/search?filter=${encodeURIComponent('snia_score > > 0.5')}`);
    expect(syntax.status).toBe(400);
    expect(syntax.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(syntax.body.message).toMatch(/position \d+/);
    expect(syntax.body.message).toContain('^');
    expect((await get('/api/aviary/alerts/search?limit=5000')).status).toBe(400);
    expect((await get('/api/aviary/alerts/search?after=nonsense')).status).toBe(400);
  });

  it('serves cutouts byte for byte with their content type', async () => {
    for (const alert of [ztf[1]!, rubin[1]!]) {
      for (const kind of ['science', 'template', 'difference'] as const) {
        const response = await fetch(`${url}/api/aviary/alerts/${alert.alertId}/cutouts/${kind}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe(alert.survey === 'ztf' ? 'application/gzip' : 'application/fits');
        expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(alert.cutouts[kind]!.bytes))).toBe(true);
      }
    }
    expect((await get(`/api/aviary/alerts/${ztf[1]!.alertId}/cutouts/thumbnail`)).status).toBe(400);
    expect((await get(`/api/aviary/alerts/${ztf[1]!.alertId + 1n}/cutouts/science`)).status).toBe(404);
  });

  it('answers an object with its alerts and merged light curve', async () => {
    const counts = new Map<string, Alert[]>();
    for (const a of ztf) counts.set(String(a.objectId), [...(counts.get(String(a.objectId)) ?? []), a]);
    const [objectId, alerts] = [...counts].find(([, list]) => list.length > 1)!;
    const { status, body } = await get(`/api/aviary/objects/${objectId}`);
    expect(status).toBe(200);
    expect((body.alerts as { alertId: bigint }[]).map((a) => a.alertId).sort()).toEqual(alerts.map((a) => a.alertId).sort());
    const curve = body.lightCurve as { time: number; band: string; kind: string }[];
    const union = new Set(alerts.flatMap((a) => a.lightCurve.map((p) => `${p.time}|${p.band}|${p.kind}`)));
    const keys = curve.map((p) => `${p.time}|${p.band}|${p.kind}`);
    expect(new Set(keys)).toEqual(union);
    expect(keys.length).toBe(union.size);
    expect(curve.map((p) => p.time)).toEqual(curve.map((p) => p.time).sort((a, b) => a - b));
    const rubinObject = rubin.find((a) => a.objectId !== null)!;
    const r = await get(`/api/aviary/objects/${rubinObject.objectId}`);
    expect(r.text).toContain(`"objectId":${rubinObject.objectId}`);
    expect((await get('/api/aviary/objects/ZTF00nothing')).status).toBe(404);
  });

  it('lists broker runs and dead letters', async () => {
    const runs = await get('/api/aviary/broker/runs');
    expect((runs.body.runs as { runId: string }[]).map((r) => r.runId)).toEqual(['run-1']);
    const letters = await get('/api/aviary/dead-letters?module=snia&limit=10');
    expect(letters.text).toContain(`"alertId":${ztf[0]!.alertId}`);
    expect((await get('/api/aviary/dead-letters?module=other')).body.dead_letters).toEqual([]);
    expect((await get('/api/aviary/dead-letters?limit=-1')).status).toBe(400);
  });
});
