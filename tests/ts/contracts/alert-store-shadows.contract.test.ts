/**
 * The AlertStore contract for shadow aliases, run against every implementation with real ZTF and
 * Rubin alerts: a shadow's outputs stored apart from the module's, with its version; a write
 * replaces only the (module, alias) pairs it carries; the comparison's rows (the alerts both the
 * module and the alias scored), newest first, with a label read as a filter reads a field; a
 * shadow's dead letters under `module@alias`; a store written before shadows existed migrates.
 */
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import type { EnrichedAlert, ShadowScores } from '../../../src/broker/enriched-alert.js';
import type { AlertFilter, FilterRecord } from '../../../src/broker/filters/alert-filter.js';
import { filterRecord } from '../../../src/broker/filters/filter-record.js';
import { lookupField } from '../../../src/broker/filters/filter-values.js';
import type { AlertStore, ComparisonRow } from '../../../src/broker/store/alert-store.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { storedAlertToAlert } from '../../../src/broker/store/stored-alert-to-alert.js';
import { sqlitePathOf } from '../../../src/store/sql/open-database.js';
import { enrich, madeUpScore, madeUpScores, rubinAlerts, ztfAlerts } from '../broker/alerts-real-alerts.js';
import { ALERT_STORE_IMPLEMENTATIONS, stopAlertStorePostgres, type AlertStoreFixture } from './alert-store-implementations.js';

let ztf: Alert[];
let rubin: Alert[];
beforeAll(async () => {
  ztf = await ztfAlerts(30);
  rubin = await rubinAlerts();
});
afterAll(stopAlertStorePostgres);

const key = (a: { survey: string; alertId: bigint }) => `${a.survey}:${a.alertId}`;
const later = () => new Promise((resolve) => setTimeout(resolve, 5)); // a later write, a later time

/** What a challenger would say: another score from the id, and a NaN to show non-finite outputs kept. */
const challengerScore = (alert: Alert) => Number((alert.alertId * 7n) % 1000n) / 1000;
const shadow = (alert: Alert, alias: string, version: string, module = 'snia'): ShadowScores => ({
  module, alias, model: 'snia-classifier', version, outputs: { snia_score: alias === 'challenger' ? challengerScore(alert) : 0.5, spread: NaN, shadow_only: `${alias}-${version}` },
});
const withShadows = (alerts: readonly Alert[], shadows: (alert: Alert) => ShadowScores[], version = '3'): EnrichedAlert[] =>
  alerts.map((alert) => ({ alert, scores: madeUpScores(alert, version), shadows: shadows(alert) }));

/** Newest first, then (survey, alert id) descending: the order comparisonRows gives. */
const newestFirst = (alerts: readonly Alert[]) =>
  [...alerts].sort((a, b) => (a.survey !== b.survey ? (a.survey < b.survey ? 1 : -1) : a.alertId < b.alertId ? 1 : a.alertId > b.alertId ? -1 : 0)).map(key);

describe.each(ALERT_STORE_IMPLEMENTATIONS)('AlertStore shadows: $name', (implementation) => {
  let fx: AlertStoreFixture;
  let store: AlertStore;
  beforeEach(async () => {
    fx = await implementation.create();
    store = fx.store;
  });
  afterEach(() => fx.dispose());

  it('stores shadow outputs apart from the scores, with their versions, and reads them back everywhere an alert is read', async () => {
    const shadowed = [...ztf.slice(0, 6), ...rubin.slice(0, 3)];
    const plain = ztf.slice(6, 9);
    await store.writeAlerts([...withShadows(shadowed, (a) => [shadow(a, 'challenger', '4'), shadow(a, 'candidate', '5')]), ...enrich(plain)]);
    for (const alert of shadowed) {
      const stored = (await store.getAlert(alert.alertId, alert.survey))!;
      expect(stored.alertId).toBe(alert.alertId);
      expect(stored.objectId).toEqual(alert.objectId);
      expect(stored.scores.map((s) => [s.module, s.version, s.outputs])).toEqual(madeUpScores(alert).map((s) => [s.module, s.version, s.outputs]));
      // (module, alias) order, whatever the write's order.
      expect(stored.shadows).toEqual([
        { ...shadow(alert, 'candidate', '5'), scoredAt: stored.storedAt },
        { ...shadow(alert, 'challenger', '4'), scoredAt: stored.storedAt },
      ]);
      expect(Number.isNaN(stored.shadows![1]!.outputs.spread)).toBe(true);
    }
    for (const alert of plain) expect(Object.hasOwn((await store.getAlert(alert.alertId))!, 'shadows')).toBe(false);
    const object = (await store.alertsOfObject(rubin[0]!.objectId!)).find((a) => a.alertId === rubin[0]!.alertId)!;
    expect(object.shadows?.map((s) => [s.alias, s.version, s.outputs.snia_score])).toEqual([['candidate', '5', 0.5], ['challenger', '4', challengerScore(rubin[0]!)]]);
    const page = await store.searchAlerts({ limit: 1000 });
    const found = new Map(page.alerts.map((a) => [key(a), a]));
    expect(found.get(key(ztf[2]!))!.shadows).toHaveLength(2);
    expect(found.get(key(plain[0]!))!.shadows).toBeUndefined();
  });

  it('replaces the (module, alias) pairs a write carries and keeps every other', async () => {
    const alerts = [ztf[0]!, ztf[1]!, rubin[0]!];
    await store.writeAlerts(withShadows(alerts, (a) => [shadow(a, 'challenger', '4'), shadow(a, 'candidate', '5'), shadow(a, 'challenger', '1', 'kind')]));
    const before = await Promise.all(alerts.map((a) => store.getAlert(a.alertId, a.survey)));
    await later();
    // The next run: only snia@challenger, now version 6, and no module scores at all.
    await store.writeAlerts(alerts.map((alert) => ({ alert, scores: [], shadows: [{ ...shadow(alert, 'challenger', '6'), outputs: { snia_score: 0.25 } }] })));
    for (const [i, alert] of alerts.entries()) {
      const stored = (await store.getAlert(alert.alertId, alert.survey))!;
      expect(stored.scores).toEqual(before[i]!.scores);
      expect(stored.shadows!.map((s) => [s.module, s.alias, s.version])).toEqual([['kind', 'challenger', '1'], ['snia', 'candidate', '5'], ['snia', 'challenger', '6']]);
      const [kind, candidate, challenger] = stored.shadows!;
      expect(kind).toEqual(before[i]!.shadows![0]);
      expect(candidate).toEqual(before[i]!.shadows![1]);
      expect(challenger).toEqual({ module: 'snia', alias: 'challenger', model: 'snia-classifier', version: '6', outputs: { snia_score: 0.25 }, scoredAt: stored.storedAt });
      expect(challenger!.scoredAt > candidate!.scoredAt).toBe(true);
    }
    // A write without shadows keeps them all.
    await store.writeAlerts(enrich(alerts, '7'));
    const last = (await store.getAlert(alerts[0]!.alertId))!;
    expect(last.scores[0]!.version).toBe('7');
    expect(last.shadows!.map((s) => s.version)).toEqual(['1', '5', '6']);
  });

  it('never mixes shadow outputs into the scores, their histograms or what filters see', async () => {
    const alerts = [...ztf.slice(0, 10), ...rubin];
    await store.writeAlerts(withShadows(alerts, (a) => [shadow(a, 'challenger', '4')]));
    const stored = (await store.getAlert(ztf[0]!.alertId))!;
    expect(stored.scores.map((s) => s.module)).toEqual(['snia', 'kind']);
    expect(stored.scores.some((s) => 'shadow_only' in s.outputs || 'spread' in s.outputs)).toBe(false);
    expect(stored.scores[0]!.outputs.snia_score).toBe(madeUpScore(ztf[0]!));
    const histograms = await store.scoreHistograms({ bins: 4 });
    expect(histograms.map((h) => [h.module, h.output, h.total])).toEqual([['snia', 'snia_score', alerts.length]]);
    expect(histograms[0]!.max).toBe(Math.max(...alerts.map(madeUpScore)));
    const seen: FilterRecord[] = [];
    const filter: AlertFilter = { expression: 'snia_score >= 0', fields: [], matches: (r) => (seen.push(r), true) };
    await store.searchAlerts({ limit: 1000, filter });
    expect(seen).toHaveLength(alerts.length);
    for (const record of seen) {
      expect(record.shadow_only).toBeUndefined();
      expect(typeof record.snia_score).toBe('number');
    }
    // The module's score, not the challenger's.
    expect(challengerScore(ztf[0]!)).not.toBe(madeUpScore(ztf[0]!));
    expect(seen.find((r) => r.candid === ztf[0]!.alertId)!.snia_score).toBe(madeUpScore(ztf[0]!));
  });

  it('gives the comparison exactly the alerts both scored, newest first, with each side\'s version and outputs', async () => {
    const first = ztf.slice(0, 8);
    const championOnly = ztf.slice(8, 12);
    const otherAlias = ztf.slice(12, 15);
    const second = [...ztf.slice(15, 20), ...rubin];
    const shadowOnly = ztf.slice(20, 24);
    await store.writeAlerts([...withShadows(first, (a) => [shadow(a, 'challenger', '4')]), ...enrich(championOnly), ...withShadows(otherAlias, (a) => [shadow(a, 'candidate', '5')])]);
    await later();
    await store.writeAlerts([...withShadows(second, (a) => [shadow(a, 'challenger', '5')], '8'), ...shadowOnly.map((alert) => ({ alert, scores: [], shadows: [shadow(alert, 'challenger', '5')] }))]);

    const rows = await store.comparisonRows({ module: 'snia', alias: 'challenger' });
    expect(rows.map(key)).toEqual([...newestFirst(second), ...newestFirst(first)]);
    const alerts = new Map([...first, ...second].map((a) => [key(a), a]));
    for (const row of rows) {
      const alert = alerts.get(key(row))!;
      expect(typeof row.alertId).toBe('bigint');
      expect(row.alertId).toBe(alert.alertId);
      expect(row.objectId).toEqual(alert.objectId);
      expect(row.time).toBe(alert.time);
      const inSecond = second.includes(alert);
      expect(row.champion).toEqual({ version: inSecond ? '8' : '3', outputs: { snia_score: madeUpScore(alert) } });
      expect(row.shadow.version).toBe(inSecond ? '5' : '4');
      expect(row.shadow.outputs.snia_score).toBe(challengerScore(alert));
      expect(Number.isNaN(row.shadow.outputs.spread)).toBe(true);
      expect(row).not.toHaveProperty('label');
    }
    expect((await store.comparisonRows({ module: 'snia', alias: 'candidate' })).map(key)).toEqual(newestFirst(otherAlias));
    expect(await store.comparisonRows({ module: 'kind', alias: 'challenger' })).toEqual([]);
    expect(await store.comparisonRows({ module: 'snia', alias: 'nobody' })).toEqual([]);
    const three = await store.comparisonRows({ module: 'snia', alias: 'challenger', limit: 3 });
    expect(three).toEqual(rows.slice(0, 3));
    await expect(store.comparisonRows({ module: 'snia', alias: 'challenger', limit: 0 })).rejects.toThrow(RangeError);
    await expect(store.comparisonRows({ module: 'snia', alias: 'challenger', limit: 1.5 })).rejects.toThrow(/invalid limit 1.5/);
  });

  it('reads a label field into each comparison row as a filter reads it: a flat-dict name or a dotted path, undefined when absent', async () => {
    const alerts = [...ztf.slice(0, 5), ...rubin.slice(0, 3)];
    await store.writeAlerts(withShadows(alerts, (a) => [shadow(a, 'challenger', '4')]));
    const labels = async (labelField: string) =>
      new Map((await store.comparisonRows({ module: 'snia', alias: 'challenger', labelField })).map((r: ComparisonRow) => [key(r), r.label]));
    // The oracle: the record the broker's filters see, read by the filters' own lookup.
    const records = new Map(await Promise.all(alerts.map(async (a) => [key(a), filterRecord(storedAlertToAlert((await store.getAlert(a.alertId, a.survey))!), [])] as const)));
    const fields = [
      'magpsf', 'candidate.magpsf', 'candid', 'objectId', 'prv_candidates.0.jd', 'lc_features_g.amplitude', 'schemavsn',
      'diaSource.psfFlux', 'psfFlux', 'diaSourceId', 'diaObjectId', 'prvDiaSources.0.midpointMjdTai', 'diaObject.diaObjectId', 'no_such_field', 'candidate.no_such',
    ];
    let found = 0;
    for (const field of fields) {
      const read = await labels(field);
      expect(read.size, field).toBe(alerts.length);
      for (const [k, record] of records) {
        const value = lookupField(record, field);
        const expected = value === null || value === undefined || Number.isNaN(value) ? undefined : value;
        expect(read.get(k), `${k} ${field}`).toEqual(expected);
        if (expected !== undefined) found++;
      }
    }
    expect(found).toBeGreaterThan(30);
    const ztfMagnitudes = await labels('candidate.magpsf');
    for (const a of ztf.slice(0, 5)) expect(ztfMagnitudes.get(key(a))).toBe(a.magnitude!.value);
    expect((await labels('candid')).get(key(ztf[0]!))).toBe(ztf[0]!.alertId);
    expect((await labels('diaSourceId')).get(key(rubin[0]!))).toBe(rubin[0]!.alertId);
  });

  it("lists a shadow's dead letters under module@alias, apart from the module's", async () => {
    const [a, b] = [ztf[0]!, rubin[0]!];
    await store.writeModuleDeadLetters([
      { module: 'snia@challenger', survey: 'ztf', alertId: a.alertId, objectId: a.objectId, stage: 'preprocessing', reason: "KeyError: 'magpsf'", model: 'snia-classifier', version: '4' },
      { module: 'snia', survey: 'lsst', alertId: b.alertId, objectId: b.objectId, stage: 'predict', reason: 'ValueError: NaN', model: 'snia-classifier', version: '3' },
    ]);
    const challenger = await store.deadLetters({ module: 'snia@challenger' });
    expect(challenger).toEqual([expect.objectContaining({ kind: 'module', module: 'snia@challenger', stage: 'preprocessing', alertId: a.alertId, version: '4', reason: "KeyError: 'magpsf'" })]);
    expect((await store.deadLetters({ module: 'snia' })).map((l) => [l.module, l.alertId])).toEqual([['snia', b.alertId]]);
    expect(await store.deadLetters()).toHaveLength(2);
  });

  it('migrates a store written before shadows existed: its alerts read as before, then shadows are stored', async (context) => {
    if (!fx.sharedUri) return context.skip();
    await store.writeAlerts(enrich(ztf.slice(0, 4)));
    const before = (await store.getAlert(ztf[0]!.alertId))!;
    await store.close();
    await forgetShadows(fx.sharedUri);
    const reopened = await openAlertStore(fx.sharedUri);
    try {
      expect(await reopened.getAlert(ztf[0]!.alertId)).toEqual(before);
      await reopened.writeAlerts(withShadows(ztf.slice(0, 2), (a) => [shadow(a, 'challenger', '4')]));
      expect((await reopened.getAlert(ztf[1]!.alertId))!.shadows!.map((s) => [s.alias, s.version])).toEqual([['challenger', '4']]);
      expect((await reopened.comparisonRows({ module: 'snia', alias: 'challenger' })).map(key).sort()).toEqual(ztf.slice(0, 2).map(key).sort());
    } finally {
      await reopened.close();
    }
  });
});

/** Takes the store back to the schema of the release before shadows: no shadow_scores, its migration not applied. */
async function forgetShadows(uri: string): Promise<void> {
  const path = sqlitePathOf(uri);
  if (path !== undefined) {
    const db = new Sqlite(path);
    db.exec('DROP TABLE shadow_scores; UPDATE schema_version SET version = 2;');
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    await client.query("DROP TABLE shadow_scores; DELETE FROM alert_store_migrations WHERE name = '0002_shadow_scores'");
  } finally {
    await client.end();
  }
}
