/**
 * The AlertStore contract, run against every implementation with real ZTF and Rubin alerts:
 * exact ids, idempotent writes, scores replaced on replay module by module (other modules' kept),
 * an id stored under another object refused as a dead letter, keyset pages, filters on the
 * broker's record, cutouts byte for byte, dead letters, run statuses and score histograms.
 */
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import type { EnrichedAlert, ModuleScores } from '../../../src/broker/enriched-alert.js';
import type { AlertFilter, FilterRecord } from '../../../src/broker/filters/alert-filter.js';
import type { AlertStore, BrokerRunStatus, StoredAlert } from '../../../src/broker/store/alert-store.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { storedAlertToAlert } from '../../../src/broker/store/stored-alert-to-alert.js';
import { positionIn } from '../../../src/broker/store/stored-dead-letter.js';
import { enrich, madeUpScore, madeUpScores, rubinAlerts, ztfAlerts } from '../broker/alerts-real-alerts.js';
import { ALERT_STORE_IMPLEMENTATIONS, stopAlertStorePostgres, type AlertStoreFixture } from './alert-store-implementations.js';

let ztf: Alert[];
let rubin: Alert[];
let all: Alert[];
beforeAll(async () => {
  ztf = await ztfAlerts(30);
  rubin = await rubinAlerts();
  all = [...ztf, ...rubin];
});
afterAll(stopAlertStorePostgres);

const key = (a: { survey: string; alertId: bigint }) => `${a.survey}:${a.alertId}`;
const sortedKeys = (alerts: readonly { survey: string; alertId: bigint }[]) =>
  alerts.map(key).sort((a, b) => (a.split(':')[0]! + BigInt(a.split(':')[1]!).toString().padStart(20, '0') < b.split(':')[0]! + BigInt(b.split(':')[1]!).toString().padStart(20, '0') ? -1 : 1));

function filterOf(expression: string, matches: (record: FilterRecord) => boolean): AlertFilter {
  return { expression, fields: [], matches };
}

async function allPages(store: AlertStore, options: { limit: number; filter?: AlertFilter; survey?: 'ztf' | 'lsst' }): Promise<{ alerts: StoredAlert[]; pages: number }> {
  const alerts: StoredAlert[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await store.searchAlerts({ ...options, after });
    expect(page.alerts.length).toBeLessThanOrEqual(options.limit);
    alerts.push(...page.alerts);
    after = page.next;
    pages++;
  } while (after !== undefined);
  return { alerts, pages };
}

describe.each(ALERT_STORE_IMPLEMENTATIONS)('AlertStore contract: $name', (implementation) => {
  let fx: AlertStoreFixture;
  let store: AlertStore;
  beforeEach(async () => {
    fx = await implementation.create();
    store = fx.store;
  });
  afterEach(() => fx.dispose());

  it('stores real alerts with exact ids, their envelope, scores and payload without cutouts', async () => {
    expect(await store.writeAlerts(enrich(all))).toEqual({ inserted: all.length, updated: 0, refused: 0 });
    expect(await store.countAlerts()).toBe(all.length);
    for (const alert of all) {
      const stored = await store.getAlert(alert.alertId, alert.survey);
      expect(stored, key(alert)).toBeDefined();
      expect(stored!.alertId).toBe(alert.alertId);
      expect(typeof stored!.alertId).toBe('bigint');
      expect(stored!.objectId).toEqual(alert.objectId);
      expect(stored!).toMatchObject({ survey: alert.survey, time: alert.time, ra: alert.ra, dec: alert.dec, band: alert.band, sourceFile: alert.origin.file });
      expect(stored!.magnitude).toBe(alert.magnitude?.value ?? null);
      expect(stored!.flux).toBe(alert.flux?.value ?? null);
      expect(stored!.scores.map((s) => [s.module, s.model, s.version])).toEqual([['snia', 'snia-classifier', '3'], ['kind', 'kind-labeller', null]]);
      expect(stored!.scores[0]!.outputs.snia_score).toBe(madeUpScore(alert));
      expect(Object.keys(stored!.payload)).not.toContain('cutoutScience');
      const id = alert.survey === 'ztf' ? stored!.payload.candid : (stored!.payload.diaSource as Record<string, unknown>).diaSourceId;
      expect(id).toBe(alert.alertId);
      // The light curve rebuilt from the stored payload is the alert's.
      const rebuilt = storedAlertToAlert(stored!);
      expect(rebuilt.lightCurve.length).toBe(alert.lightCurve.length);
      expect(rebuilt.lightCurve.map((p) => [p.time, p.band, p.kind])).toEqual(alert.lightCurve.map((p) => [p.time, p.band, p.kind]));
    }
  });

  it('replays idempotently: scores, payload and stored time replaced, no second row', async () => {
    const first = await store.writeAlerts(enrich(ztf.slice(0, 10)));
    expect(first).toEqual({ inserted: 10, updated: 0, refused: 0 });
    const before = await store.getAlert(ztf[0]!.alertId);
    const mixed = await store.writeAlerts(enrich(ztf.slice(5, 15), '4'));
    expect(mixed).toEqual({ inserted: 5, updated: 5, refused: 0 });
    expect(await store.countAlerts()).toBe(15);
    const replayed = await store.getAlert(ztf[5]!.alertId, 'ztf');
    const replayedSix = await store.getAlert(ztf[6]!.alertId, 'ztf');
    expect(replayed!.scores.map((s) => s.version)).toEqual(['4', null]);
    expect(replayed!.scores).toHaveLength(2);
    expect((await store.getAlert(ztf[0]!.alertId))!.scores[0]!.version).toBe('3');
    expect(replayed!.storedAt >= before!.storedAt).toBe(true);
    // A write without scores rewrites the alert and keeps the scores it had.
    const noScores = await store.writeAlerts([{ alert: ztf[6]!, scores: [] }]);
    expect(noScores).toEqual({ inserted: 0, updated: 1, refused: 0 });
    expect((await store.getAlert(ztf[6]!.alertId))!.scores).toEqual(replayedSix!.scores);
  });

  it('counts an alert given twice in one batch as inserted then updated, the later copy kept', async () => {
    const [a, b] = [ztf[0]!, ztf[1]!];
    expect(await store.writeAlerts([...enrich([a, b]), ...enrich([a], '5')])).toEqual({ inserted: 2, updated: 1, refused: 0 });
    expect(await store.countAlerts()).toBe(2);
    expect((await store.getAlert(a.alertId))!.scores.map((s) => [s.module, s.version])).toEqual([['snia', '5'], ['kind', null]]);
  });

  it("keeps other modules' scores, versions and times when another config's modules score the alert", async () => {
    const alerts = [...ztf.slice(0, 4), rubin[0]!];
    const configA = (version: string, shift: number): EnrichedAlert[] =>
      alerts.map((alert) => {
        const scores: ModuleScores[] = [
          { module: 'slsn', model: 'slsn-classifier', version, outputs: { slsn_score: madeUpScore(alert) + shift } },
          { module: 'fields', model: 'fields-copy', version: null, outputs: { field: 'copied', n: 1 } },
        ];
        return { alert, scores };
      });
    const configB = alerts.map((alert) => ({ alert, scores: [{ module: 'slsnp', model: 'slsnp-classifier', version: '7', outputs: { slsnp_score: 0.25 } }] }));
    expect(await store.writeAlerts(configA('1', 0))).toEqual({ inserted: alerts.length, updated: 0, refused: 0 });
    const afterA = await Promise.all(alerts.map((a) => store.getAlert(a.alertId, a.survey)));
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later write, a later time
    expect(await store.writeAlerts(configB)).toEqual({ inserted: 0, updated: alerts.length, refused: 0 });
    for (const [i, alert] of alerts.entries()) {
      const stored = (await store.getAlert(alert.alertId, alert.survey))!;
      expect(stored.scores.map((s) => s.module), key(alert)).toEqual(['slsn', 'fields', 'slsnp']);
      expect(stored.scores.slice(0, 2)).toEqual(afterA[i]!.scores);
      expect(afterA[i]!.scores[0]!.scoredAt).toBe(afterA[i]!.storedAt);
      expect(stored.scores[2]).toMatchObject({ model: 'slsnp-classifier', version: '7', outputs: { slsnp_score: 0.25 }, scoredAt: stored.storedAt });
      expect(stored.scores[2]!.scoredAt > stored.scores[0]!.scoredAt).toBe(true);
    }
    // Config A again: its own modules' scores replaced in place, config B's kept, no row added.
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later write, a later time
    expect(await store.writeAlerts(configA('2', 0.5))).toEqual({ inserted: 0, updated: alerts.length, refused: 0 });
    expect(await store.countAlerts()).toBe(alerts.length);
    const replayed = (await store.getAlert(alerts[1]!.alertId))!;
    expect(replayed.scores.map((s) => [s.module, s.version])).toEqual([['slsn', '2'], ['fields', null], ['slsnp', '7']]);
    expect(replayed.scores[0]!.outputs.slsn_score).toBe(madeUpScore(alerts[1]!) + 0.5);
    expect(replayed.scores[2]!.scoredAt < replayed.scores[0]!.scoredAt).toBe(true);
    const histograms = await store.scoreHistograms({ bins: 2 });
    expect(histograms.map((h) => [h.module, h.output, h.total])).toEqual([
      ['slsn', 'slsn_score', alerts.length],
      ['fields', 'n', alerts.length],
      ['slsnp', 'slsnp_score', alerts.length],
    ]);
  });

  it('refuses an alert whose id is stored under another object, as a source dead letter naming both', async () => {
    const [a, b] = [ztf[0]!, ztf.find((z) => z.objectId !== ztf[0]!.objectId)!];
    const [r, s] = [rubin.find((x) => x.objectId !== null)!, rubin.find((x) => x.objectId !== null && x.objectId !== rubin.find((y) => y.objectId !== null)!.objectId)!];
    expect(s).toBeDefined();
    await store.writeAlerts(enrich([a, r]));
    const before = await store.getAlert(a.alertId);
    // Another object's alert carrying a's candid (as two simulations with different seeds once gave).
    const impostor: Alert = { ...b, alertId: a.alertId, payload: { ...b.payload, candid: a.alertId } };
    const rubinImpostor: Alert = { ...s, alertId: r.alertId };
    const result = await store.writeAlerts(enrich([impostor, ztf[2]!, rubinImpostor], '9'));
    expect(result).toEqual({ inserted: 1, updated: 0, refused: 2, refusals: [{ index: 0, reason: expect.stringContaining(`ztf alert ${a.alertId}`) }, { index: 2, reason: expect.stringContaining(`lsst alert ${r.alertId}`) }] });
    expect(await store.countAlerts()).toBe(3);
    const kept = (await store.getAlert(a.alertId))!;
    expect(kept.objectId).toBe(a.objectId);
    expect(kept.payload.candid).toBe(a.alertId);
    expect(kept.scores).toEqual(before!.scores);
    expect((await store.getAlert(r.alertId, 'lsst'))!.objectId).toBe(r.objectId);
    const letters = await store.deadLetters();
    expect(letters).toHaveLength(2);
    expect(letters.every((l) => l.kind === 'source')).toBe(true);
    const ztfLetter = letters.find((l) => l.reason.startsWith('ztf'))!;
    expect(ztfLetter).toMatchObject({ file: b.origin.file, position: positionIn(b.origin) });
    expect(ztfLetter.reason).toBe(`ztf alert ${a.alertId} is already stored with object ${a.objectId}, this alert has object ${b.objectId}: not stored (an alert id belongs to one object)`);
    const rubinLetter = letters.find((l) => l.reason.startsWith('lsst'))!;
    expect(rubinLetter.reason).toContain(`lsst alert ${r.alertId} is already stored with object ${r.objectId}, this alert has object ${s.objectId}`);
    // The same object again is a replay.
    expect(await store.writeAlerts(enrich([a], '4'))).toEqual({ inserted: 0, updated: 1, refused: 0 });
    expect((await store.getAlert(a.alertId))!.scores[0]!.version).toBe('4');
    expect(await store.deadLetters()).toHaveLength(2);
  });

  it('gives an alert stored with no object id the one a later read finds (a Rubin solar-system alert read again), not a refusal', async () => {
    const r = rubin.find((x) => x.objectId !== null)!;
    await store.writeAlerts(enrich([{ ...r, objectId: null }]));
    expect(await store.writeAlerts(enrich([r]))).toEqual({ inserted: 0, updated: 1, refused: 0 });
    expect((await store.getAlert(r.alertId, 'lsst'))!.objectId).toBe(r.objectId);
    expect(await store.deadLetters()).toHaveLength(0);
  });

  it('finds an alert by id alone, and only under its own survey when one is given', async () => {
    await store.writeAlerts(enrich(all));
    const r = rubin[0]!;
    expect((await store.getAlert(r.alertId))?.survey).toBe('lsst');
    expect(await store.getAlert(r.alertId, 'ztf')).toBeUndefined();
    expect(await store.getAlert(r.alertId + 1n)).toBeUndefined();
    expect(await store.cutouts(r.alertId + 1n)).toEqual({});
  });

  it('keeps cutouts apart, byte for byte with their encoding', async () => {
    await store.writeAlerts(enrich(all));
    for (const alert of [ztf[0]!, ztf[1]!, rubin[0]!]) {
      const cutouts = await store.cutouts(alert.alertId, alert.survey);
      for (const kind of ['science', 'template', 'difference'] as const) {
        expect(cutouts[kind], `${key(alert)} ${kind}`).toBeDefined();
        expect(Buffer.from(cutouts[kind]!.bytes).equals(Buffer.from(alert.cutouts[kind]!.bytes))).toBe(true);
        expect(cutouts[kind]!.encoding).toBe(alert.survey === 'ztf' ? 'fits.gz' : 'fits');
        expect(cutouts[kind]!.fileName).toBe(alert.cutouts[kind]!.fileName);
      }
    }
  });

  it("lists an object's alerts oldest first, ZTF ids as text and Rubin ids as integers", async () => {
    await store.writeAlerts(enrich(all));
    const counts = new Map<string, Alert[]>();
    for (const a of ztf) counts.set(String(a.objectId), [...(counts.get(String(a.objectId)) ?? []), a]);
    const [objectId, expected] = [...counts].find(([, alerts]) => alerts.length > 1)!;
    const found = await store.alertsOfObject(objectId);
    expect(found.map(key).sort()).toEqual(expected.map(key).sort());
    expect(found.map((a) => a.time)).toEqual([...found.map((a) => a.time)].sort((a, b) => a - b));
    const lsst = rubin.find((a) => a.objectId !== null)!;
    const ofRubin = await store.alertsOfObject(lsst.objectId!);
    expect(ofRubin.map(key)).toEqual([key(lsst)]);
    expect(ofRubin[0]!.objectId).toBe(lsst.objectId);
    expect(await store.alertsOfObject(String(lsst.objectId))).toHaveLength(1);
    expect(await store.alertsOfObject('ZTF00nothing')).toEqual([]);
  });

  it('pages through every alert in (survey, id) order without gaps or repeats', async () => {
    await store.writeAlerts(enrich(all));
    const { alerts, pages } = await allPages(store, { limit: 7 });
    expect(pages).toBe(Math.ceil(all.length / 7));
    expect(alerts.map(key)).toEqual(sortedKeys(all));
    const onlyZtf = await allPages(store, { limit: 1000, survey: 'ztf' });
    expect(onlyZtf.alerts.map(key)).toEqual(sortedKeys(ztf));
    expect(onlyZtf.pages).toBe(1);
    const rubinPages = await allPages(store, { limit: 2, survey: 'lsst' });
    expect(rubinPages.alerts.map(key)).toEqual(sortedKeys(rubin));
  });

  it("filters on the broker's record: the flat alert dict with every module's outputs", async () => {
    await store.writeAlerts(enrich(all));
    const seen: FilterRecord[] = [];
    const highScore = filterOf('snia_score > 0.5', (r) => (seen.push(r), (r.snia_score as number) > 0.5));
    const expected = all.filter((a) => madeUpScore(a) > 0.5);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    const { alerts } = await allPages(store, { limit: 3, filter: highScore });
    expect(alerts.map(key)).toEqual(sortedKeys(expected));
    const ztfRecord = seen.find((r) => 'candid' in r)!;
    expect(typeof ztfRecord.candid).toBe('bigint');
    expect(ztfRecord).toHaveProperty('magpsf');
    expect(ztfRecord.label).toBe('transient');
    const bright = filterOf('magpsf < 18', (r) => typeof r.magpsf === 'number' && r.magpsf < 18);
    const brightZtf = ztf.filter((a) => (a.magnitude?.value ?? Infinity) < 18);
    expect((await allPages(store, { limit: 1000, filter: bright, survey: 'ztf' })).alerts.map(key)).toEqual(sortedKeys(brightZtf));
  });

  it('refuses page sizes out of range and cursors it did not give', async () => {
    await expect(store.searchAlerts({ limit: 0 })).rejects.toThrow(/limit 0: expected an integer from 1 to 1000/);
    await expect(store.searchAlerts({ limit: 1001 })).rejects.toThrow(/1 to 1000/);
    await expect(store.searchAlerts({ after: "ztf:1' OR 1=1" })).rejects.toThrow(/invalid page cursor/);
    expect(await store.searchAlerts()).toEqual({ alerts: [] });
  });

  it('keeps dead letters from sources and modules, newest first, by module on request', async () => {
    const a = ztf[0]!;
    await store.writeSourceDeadLetters([{ kind: 'dead-letter', origin: { file: '/data/broken.avro', format: 'avro', byteOffset: 1234, block: 2, index: 5 }, reason: 'truncated block' }]);
    await store.writeModuleDeadLetters([
      { module: 'snia', survey: 'ztf', alertId: a.alertId, objectId: a.objectId, stage: 'predict', reason: 'ValueError: magpsf is NaN', model: 'snia-classifier', version: '3' },
      { module: 'kind', survey: 'lsst', alertId: rubin[0]!.alertId, objectId: rubin[0]!.objectId, stage: 'degraded', reason: 'worker down', model: 'kind-labeller', version: null },
    ]);
    const letters = await store.deadLetters();
    expect(letters).toHaveLength(3);
    expect(letters.find((l) => l.kind === 'source')).toMatchObject({ file: '/data/broken.avro', position: 'byte 1234, block 2, record 5', reason: 'truncated block' });
    const snia = await store.deadLetters({ module: 'snia' });
    expect(snia).toEqual([expect.objectContaining({ kind: 'module', module: 'snia', stage: 'predict', alertId: a.alertId, objectId: a.objectId, version: '3' })]);
    const kind = await store.deadLetters({ module: 'kind' });
    expect(kind[0]!.objectId).toBe(rubin[0]!.objectId);
    expect(kind[0]!.version).toBeNull();
    expect(await store.deadLetters({ limit: 1 })).toHaveLength(1);
  });

  it('saves run statuses, one per run, newest first', async () => {
    const status = (runId: string, startedAt: string, alertsStored: number): BrokerRunStatus => ({
      runId, state: 'running', startedAt, updatedAt: startedAt, config: 'broker.yaml', alertsRead: alertsStored, alertsStored, alertsPerSecond: 10,
      sourceDeadLetters: 0, modules: [], filters: [{ name: 'hot', expression: 'snia_score > 0.5', matched: 1, output: 'hot.jsonl' }],
    });
    await store.saveRunStatus(status('a', '2026-01-01T00:00:00.000Z', 1));
    await store.saveRunStatus(status('b', '2026-01-02T00:00:00.000Z', 1));
    await store.saveRunStatus({ ...status('a', '2026-01-01T00:00:00.000Z', 50), state: 'finished', finishedAt: '2026-01-01T01:00:00.000Z' });
    const runs = await store.runStatuses();
    expect(runs.map((r) => r.runId)).toEqual(['b', 'a']);
    expect(runs[1]).toMatchObject({ state: 'finished', alertsStored: 50, finishedAt: '2026-01-01T01:00:00.000Z' });
    expect(await store.runStatuses(1)).toHaveLength(1);
  });

  it('lists a run saved as running as interrupted once its heartbeat is stale or its process on this host is gone', async () => {
    const now = new Date().toISOString();
    const status = (runId: string, updatedAt: string, pid: number): BrokerRunStatus => ({
      runId, state: 'running', startedAt: `2026-01-0${runId.length}T00:00:00.000Z`, updatedAt, pid, host: hostname(), config: 'broker.yaml',
      alertsRead: 0, alertsStored: 0, alertsPerSecond: 0, sourceDeadLetters: 0, modules: [], filters: [],
    });
    await store.saveRunStatus(status('a', now, process.pid));
    await store.saveRunStatus(status('bb', new Date(Date.now() - 60_000).toISOString(), process.pid));
    // Above Linux's largest pid_max (2^22): a process that cannot exist.
    await store.saveRunStatus(status('ccc', now, 2 ** 22 + 1));
    const runs = await store.runStatuses();
    expect(runs.map((r) => [r.runId, r.state])).toEqual([['ccc', 'interrupted'], ['bb', 'interrupted'], ['a', 'running']]);
    expect(runs[0]!.error).toContain(`pid ${2 ** 22 + 1} on ${hostname()}`);
  });

  it('histograms each numeric module output, leaving out text, booleans and non-finite values', async () => {
    expect(await store.scoreHistograms({ bins: 10 })).toEqual([]);
    await store.writeAlerts(enrich(all));
    const odd = (alert: Alert, count: number) => ({
      alert,
      scores: [...madeUpScores(alert), { module: 'odd', model: 'odd-model', version: '1', outputs: { count, nan: NaN, inf: Infinity, name: 'x' } }],
    });
    await store.writeAlerts([odd(ztf[0]!, 2), odd(ztf[1]!, 7), odd(ztf[2]!, 7)]);
    const scores = all.map(madeUpScore);
    const min = Math.min(...scores);
    const max = Math.max(...scores);
    const expected = new Array<number>(10).fill(0);
    for (const v of scores) expected[Math.min(Math.floor((v - min) / ((max - min) / 10)), 9)]!++;
    const histograms = await store.scoreHistograms({ bins: 10 });
    expect(histograms).toEqual([
      { module: 'snia', output: 'snia_score', min, max, counts: expected, total: all.length },
      { module: 'odd', output: 'count', min: 2, max: 7, counts: [1, 0, 0, 0, 0, 0, 0, 0, 0, 2], total: 3 },
    ]);
    expect(expected.filter((c) => c > 0).length).toBeGreaterThan(3);
    expect(await store.scoreHistograms({ bins: 3, module: 'odd' })).toEqual([{ module: 'odd', output: 'count', min: 2, max: 7, counts: [1, 0, 2], total: 3 }]);
    expect(await store.scoreHistograms({ bins: 4, module: 'kind' })).toEqual([]);
    await store.writeAlerts([odd(ztf[1]!, 2), odd(ztf[2]!, 2)]);
    expect((await store.scoreHistograms({ bins: 5, module: 'odd' }))[0]).toMatchObject({ min: 2, max: 2, counts: [3, 0, 0, 0, 0], total: 3 });
    await expect(store.scoreHistograms({ bins: 0 })).rejects.toThrow(/bins 0: expected an integer from 1 to 200/);
    await expect(store.scoreHistograms({ bins: 201 })).rejects.toThrow(RangeError);
  });

  it('shares its data with a second handle on the same store', async (context) => {
    if (!fx.sharedUri) return context.skip();
    const second = await openAlertStore(fx.sharedUri);
    try {
      await store.writeAlerts(enrich(ztf.slice(0, 3)));
      expect((await second.getAlert(ztf[1]!.alertId))?.objectId).toBe(ztf[1]!.objectId);
      expect(await second.writeAlerts(enrich(ztf.slice(2, 5)))).toEqual({ inserted: 2, updated: 1, refused: 0 });
      expect(await store.countAlerts()).toBe(5);
    } finally {
      await second.close();
    }
  });
});

describe('openAlertStore', () => {
  it('names what it supports, never showing a password', async () => {
    const refused = openAlertStore('mysql://user:secret@db/alerts');
    await expect(refused).rejects.toThrow(/expected sqlite:\/\/\/<path> .* or postgresql:\/\//);
    await expect(refused).rejects.toThrow("'mysql://user:***@db/alerts'");
  });
});
