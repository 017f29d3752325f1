/**
 * The alert store on a real PostgreSQL, beyond the shared contract: what SQL users see (the
 * README's queries run as written over real ZTF and Rubin alerts, exact 64-bit ids read by SQL,
 * NaN as null in JSONB yet read back by Aviary as NaN), several processes starting and writing
 * together, and failures told in one line without the password.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import type { EnrichedAlert, ModuleScores } from '../../../src/broker/enriched-alert.js';
import type { AlertStore } from '../../../src/broker/store/alert-store.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { payloadWithoutCutouts } from '../../../src/broker/store/stored-alert-parts.js';
import { enrich, readRealAlerts, rubinAlerts, SHARED_DATA, ztfAlerts } from '../broker/alerts-real-alerts.js';
import { LocalPostgres } from './local-postgres.js';

const README = resolve(import.meta.dirname, '../../../README.md');

let server: LocalPostgres;
let ztf: Alert[];
let rubin: Alert[];
let enriched: Alert[];

beforeAll(async () => {
  [server, ztf, rubin, enriched] = await Promise.all([
    LocalPostgres.start(),
    ztfAlerts(1000),
    rubinAlerts(),
    readRealAlerts(resolve(SHARED_DATA, 'ztf/fink-enriched-2026')),
  ]);
}, 120_000);
afterAll(() => server?.stop());

async function query<T extends Record<string, unknown>>(uri: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A made-up score spread over [0, 1) (an id's last digits are not: ZTF's end in a few patterns). */
function sniaScore(alert: Alert): number {
  return Number((alert.alertId * 2654435761n) % 1000n) / 1000;
}

function scored(alerts: readonly Alert[]): EnrichedAlert[] {
  return alerts.map((alert) => {
    const scores: ModuleScores[] = [
      { module: 'snia', model: 'snia-classifier', version: '3', outputs: { snia_score: sniaScore(alert) } },
      { module: 'kind', model: 'kind-labeller', version: null, outputs: { label: alert.survey === 'ztf' ? 'transient' : 'variable' } },
    ];
    return { alert, scores };
  });
}

/** The SQL blocks of the README's "Alerts in PostgreSQL" section, one statement each. */
function documentedStatements(): string[] {
  const text = readFileSync(README, 'utf8');
  const section = /\n## Alerts in PostgreSQL\n([\s\S]*?)\n## /.exec(text)?.[1];
  if (!section) throw new Error('README.md has no "## Alerts in PostgreSQL" section');
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].flatMap((block) =>
    block[1]!
      .split(/;\s*\n/)
      .map((s) => s.replace(/^--.*$/gm, '').trim())
      .filter(Boolean),
  );
}

/** Integers a payload holds as BigInt within 2^53 read back from JSON as numbers: compared as numbers. */
function comparable(value: unknown): unknown {
  if (typeof value === 'bigint') return value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value;
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  return value;
}

describe('alerts in PostgreSQL, for SQL users', () => {
  let uri: string;
  let store: AlertStore;
  beforeAll(async () => {
    uri = await server.createDatabase();
    store = await openAlertStore(uri);
    expect(await store.writeAlerts(scored([...ztf, ...rubin, ...enriched]))).toMatchObject({ inserted: ztf.length + rubin.length + enriched.length, refused: 0 });
  }, 120_000);
  afterAll(() => store?.close());

  it("runs the README's queries as written", async () => {
    const statements = documentedStatements();
    expect(statements.length).toBeGreaterThanOrEqual(5);
    for (const statement of statements) await expect(query(uri, statement), statement).resolves.toBeDefined();
  });

  it('finds the alerts whose score passes a threshold with (scores->module->>output)::float', async () => {
    const rows = await query<{ object_id: string; alert_id: string }>(uri, "SELECT object_id, alert_id::text FROM alerts WHERE (scores->'snia'->>'snia_score')::float > 0.7");
    const expected = [...ztf, ...rubin, ...enriched].filter((a) => sniaScore(a) > 0.7);
    expect(expected.length).toBeGreaterThan(50);
    expect(rows.map((r) => r.alert_id).sort()).toEqual(expected.map((a) => String(a.alertId)).sort());
    expect(new Set(rows.map((r) => r.object_id))).toEqual(new Set(expected.map((a) => String(a.objectId))));
    const [by] = await query<{ model: string; version: string }>(uri, "SELECT scored_by->'snia'->>'model' AS model, scored_by->'snia'->>'version' AS version FROM alerts LIMIT 1");
    expect(by).toEqual({ model: 'snia-classifier', version: '3' });
  });

  it('keeps 64-bit ids exact for SQL: alert_id, and the payload ids as JSON numbers', async () => {
    const rows = await query<{ survey: string; alert_id: string; id_text: string; id_json: string; id_type: string }>(
      uri,
      `SELECT survey, alert_id::text,
         CASE survey WHEN 'ztf' THEN payload->>'candid' ELSE payload->'diaSource'->>'diaSourceId' END AS id_text,
         CASE survey WHEN 'ztf' THEN (payload->'candid')::text ELSE (payload->'diaSource'->'diaSourceId')::text END AS id_json,
         CASE survey WHEN 'ztf' THEN jsonb_typeof(payload->'candid') ELSE jsonb_typeof(payload->'diaSource'->'diaSourceId') END AS id_type
       FROM alerts`,
    );
    const expected = new Map([...ztf, ...rubin, ...enriched].map((a) => [`${a.survey}:${a.alertId}`, a.alertId]));
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const id = expected.get(`${row.survey}:${row.alert_id}`);
      expect(id, row.alert_id).toBeDefined();
      expect(id! > 2n ** 53n).toBe(true);
      expect([row.id_text, row.id_json, row.id_type]).toEqual([String(id), String(id), 'number']);
    }
    const [sum] = await query<{ exact: string }>(uri, "SELECT sum((payload->>'candid')::numeric)::text AS exact FROM alerts WHERE survey = 'ztf'");
    expect(sum!.exact).toBe(String([...ztf, ...enriched].reduce((total, a) => total + a.alertId, 0n)));
  });

  it('stores NaN as null for SQL and reads it back as NaN, the payload otherwise as written', async () => {
    const withNaN = enriched.find((a) => hasNaN(payloadWithoutCutouts(a.payload)))!;
    expect(withNaN).toBeDefined();
    const [row] = await query<{ places: Record<string, string> }>(uri, 'SELECT payload_nonfinite AS places FROM alerts WHERE alert_id = $1', [String(withNaN.alertId)]);
    const [pointer, token] = Object.entries(row!.places)[0]!;
    expect(token).toBe('NaN');
    const path = pointer.split('/').slice(1);
    const [value] = await query<{ v: unknown }>(uri, 'SELECT payload #> $2::text[] AS v FROM alerts WHERE alert_id = $1', [String(withNaN.alertId), path]);
    expect(value!.v).toBeNull();
    const stored = (await store.getAlert(withNaN.alertId))!;
    expect(comparable(stored.payload)).toEqual(comparable(payloadWithoutCutouts(withNaN.payload)));
    expect(stored.payload.candid).toBe(withNaN.alertId);
  });
});

function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(hasNaN);
}

describe('several processes on one PostgreSQL alert store', () => {
  it('migrates a new database once when several stores open it together', async () => {
    const uri = await server.createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openAlertStore(uri)));
    try {
      const rows = await query<{ name: string }>(uri, 'SELECT name FROM alert_store_migrations ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(['0001_alerts', '0002_shadow_scores']);
      expect(await Promise.all(stores.map((s) => s.countAlerts()))).toEqual([0, 0, 0, 0]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('stores each alert once when two writers write the same alerts at the same time', async () => {
    const uri = await server.createDatabase();
    const [a, b] = await Promise.all([openAlertStore(uri), openAlertStore(uri)]);
    try {
      const alerts = ztf.slice(0, 200);
      const reversed = [...alerts].reverse(); // another order: the store still locks rows in one order
      const results = await Promise.all([a.writeAlerts(enrich(alerts, '1')), b.writeAlerts(enrich(reversed, '2')), a.writeAlerts(enrich(alerts.slice(50, 150), '3'))]);
      expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(200);
      expect(results.reduce((n, r) => n + r.updated, 0)).toBe(300);
      const [counts] = await query<{ alerts: string; keys: string; cutouts: string }>(
        uri,
        'SELECT (SELECT count(*) FROM alerts) AS alerts, (SELECT count(DISTINCT (survey, alert_id)) FROM alerts) AS keys, (SELECT count(*) FROM cutouts) AS cutouts',
      );
      expect(counts).toEqual({ alerts: '200', keys: '200', cutouts: '600' });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('failures, in one line without the password', () => {
  it('says when nothing listens there', async () => {
    const uri = server.uri('alerts').replace(`:${server.port}/`, ':1/');
    const failure = openAlertStore(uri);
    await expect(failure).rejects.toThrow(/^alert store postgresql:\/\/aviary:\*\*\*@127\.0\.0\.1:1\/alerts: connect ECONNREFUSED 127\.0\.0\.1:1: is PostgreSQL running there/);
    await expect(failure).rejects.not.toThrow(server.password);
  });

  it('says when the password is wrong or the database missing', async () => {
    const wrong = `postgresql://aviary:not-the-password@127.0.0.1:${server.port}/postgres`;
    await expect(openAlertStore(wrong)).rejects.toThrow(/alert store postgresql:\/\/aviary:\*\*\*@.*password authentication failed for user "aviary": check the user and password$/);
    await expect(openAlertStore(wrong)).rejects.not.toThrow('not-the-password');
    await expect(openAlertStore(server.uri('no_such_db'))).rejects.toThrow(/database "no_such_db" does not exist: create the database first/);
  });

  it('refuses a database a newer Aviary migrated', async () => {
    const uri = await server.createDatabase();
    await (await openAlertStore(uri)).close();
    await query(uri, "INSERT INTO alert_store_migrations (name, timestamp) VALUES ('9999_from_the_future', '2030-01-01')");
    await expect(openAlertStore(uri)).rejects.toThrow(/holds migrations this Aviary does not know .*: it was written by a newer version; upgrade Aviary/);
  });
});
