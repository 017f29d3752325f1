/**
 * What only the PostgreSQL store has to get right, on a real server: several processes opening
 * one new database at once, MLflow's URI forms, a refused connection named without its
 * password (also by `aviary server`, a real process: node scripts/build.mjs --cli first), MLflow's LIKE (case-sensitive) beside ILIKE, the limits PostgreSQL enforces and
 * SQLite did not, and concurrent writers meeting on one unique name.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../../src/cli/testing/run-cli-process.js';
import { openDatabase } from '../../../src/store/sql/open-database.js';
import { LocalPostgres } from '../postgres/local-postgres.js';
import { startPeerWriter } from './peer-writer.js';
import { errorCodeOf, localPostgres, openStores, stopLocalPostgres, type Stores } from './store-implementations.js';

let server: LocalPostgres;
beforeAll(async () => {
  server = await localPostgres();
});
afterAll(stopLocalPostgres);

async function withStores<T>(uri: string, use: (stores: Stores) => Promise<T>): Promise<T> {
  const stores = await openStores(uri);
  try {
    return await use(stores);
  } finally {
    await stores.close();
  }
}

const failureOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (err) {
    return String((err as Error).message);
  }
  throw new Error('expected a failure');
};

describe('opening a PostgreSQL store', () => {
  it('migrates a new database once when two processes and two handles open it at the same time', async () => {
    const uri = await server.createDatabase();
    const spec = (who: string) => ({ uri, who, runId: '', modelName: 'none', count: 0 });
    // Each peer prints "ready" only once its store is open, migrations done.
    const [first, second, ...handles] = await Promise.all([startPeerWriter(spec('p1')), startPeerWriter(spec('p2')), openStores(uri), openStores(uri)]);
    await Promise.all([first.go(), second.go(), ...handles.map((h) => h.close())]);
    const database = uri.split('/').pop()!;
    const migrations = await server.query('select name from aviary_migrations order by name', database);
    expect(migrations.rows.map((r) => r.name)).toEqual([
      '0001-tracking',
      '0002-registry',
      '0003-webhooks',
      '0004-run-key-value-search',
      '0005-webhook-secret-encryption',
      '0006-auth',
    ]);
    const defaults = await server.query('select experiment_id, name from experiments', database);
    expect(defaults.rows).toEqual([{ experiment_id: 0, name: 'Default' }]);
  }, 60_000);

  it('accepts the forms MLflow accepts: postgres://, postgresql+psycopg2:// and +psycopg, +pg8000', async () => {
    const uri = await server.createDatabase();
    const rest = uri.slice('postgresql://'.length);
    for (const scheme of ['postgresql+psycopg2', 'postgres', 'postgresql+psycopg', 'postgresql+pg8000']) {
      const name = await withStores(`${scheme}://${rest}`, async ({ tracking }) => {
        const id = await tracking.createExperiment(`via ${scheme}`, undefined, []);
        return (await tracking.getExperiment(id)).name;
      });
      expect(name).toBe(`via ${scheme}`);
    }
  });

  it('names a refused password, the user and the place, never the password', async () => {
    const uri = await server.createDatabase();
    const wrong = uri.replace(`:${server.password}@`, ':not-the-password-9f3@');
    const message = await failureOf(openDatabase(wrong));
    expect(message).toContain(`cannot open the PostgreSQL database postgresql://aviary:***@127.0.0.1:${server.port}/`);
    expect(message).toContain('password authentication failed for user "aviary"');
    expect(message).toContain('check the user name and password in the URI');
    expect(message).not.toContain('not-the-password-9f3');
    expect(message).not.toContain(server.password);
  });

  it('stops `aviary server` with exit 1 and one line, the password left out', async () => {
    const uri = await server.createDatabase();
    const wrong = uri.replace(`:${server.password}@`, ':not-the-password-5c1@');
    const run = await runCliProcess(['server', '--port', '0', '--backend-store-uri', wrong], { timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^aviary: cannot start the server: cannot open the PostgreSQL database postgresql:\/\/aviary:\*\*\*@127\.0\.0\.1:\d+\/\w+: password authentication failed for user "aviary": check the user name and password in the URI\n$/);
    expect(`${run.stdout}${run.stderr}`).not.toContain('not-the-password-5c1');
  });

  it('says what to do about a missing database and a port nobody listens on', async () => {
    const missing = await failureOf(openDatabase(server.uri('no_such_database')));
    expect(missing).toMatch(/database "no_such_database" does not exist: create the database first/);
    expect(missing).not.toContain(server.password);
    const closed = await failureOf(openDatabase(`postgresql://aviary:${server.password}@127.0.0.1:1/db`));
    expect(closed).toMatch(/^cannot open the PostgreSQL database postgresql:\/\/aviary:\*\*\*@127\.0\.0\.1:1\/db: .*ECONNREFUSED.*is PostgreSQL running/);
  });

  it('refuses a query parameter it would not honour, by name', async () => {
    const uri = await server.createDatabase();
    expect(await failureOf(openDatabase(`${uri}?pool_size=3`))).toMatch(/query parameter 'pool_size' is not supported/);
    expect(await failureOf(openDatabase(`${uri}?sslmode=prefer`))).toMatch(/sslmode=prefer is not supported/);
    // The test server has no TLS: sslmode=require is honoured, so the connection is refused for it.
    expect(await failureOf(openDatabase(`${uri}?sslmode=require`))).toMatch(/does not support SSL/);
    await withStores(`${uri}?sslmode=disable&application_name=aviary-test&connect_timeout=5`, async ({ tracking }) => {
      expect((await tracking.getExperiment('0')).name).toBe('Default');
    });
  });
});

describe('a PostgreSQL server with TLS', () => {
  it('is reached encrypted with sslmode=require, and with the certificate checked with verify-full', async () => {
    const tlsServer = await LocalPostgres.start({ tls: true });
    try {
      const uri = await tlsServer.createDatabase();
      for (const query of ['sslmode=require', `sslmode=verify-full&sslrootcert=${encodeURIComponent(tlsServer.certificate)}`]) {
        await withStores(`${uri}?${query}`, async ({ tracking }) => {
          expect((await tracking.getExperiment('0')).name).toBe('Default');
        });
      }
      // Encrypted: PostgreSQL's own view of the sessions says so.
      const encrypted = await withStores(`${uri}?sslmode=require`, async () =>
        (await tlsServer.query(`select count(*)::int as n from pg_stat_ssl join pg_stat_activity using (pid) where ssl and datname = '${new URL(uri).pathname.slice(1)}'`)).rows[0].n as number,
      );
      expect(encrypted).toBeGreaterThan(0);
      // verify-full refuses a certificate it was not told to trust.
      expect(await failureOf(openDatabase(`${uri}?sslmode=verify-full`))).toMatch(/^cannot open the PostgreSQL database/);
    } finally {
      await tlsServer.stop();
    }
  });
});

describe('the PostgreSQL store', () => {
  it('answers TEMPORARILY_UNAVAILABLE (503) while its server is down, and survives it', async () => {
    const own = await LocalPostgres.start();
    try {
      const stores = await openStores(await own.createDatabase());
      await stores.tracking.getExperiment('0');
      await own.stop();
      expect(await errorCodeOf(stores.tracking.getExperiment('0'))).toBe('TEMPORARILY_UNAVAILABLE');
      await stores.close();
    } finally {
      await own.stop();
    }
  });

  it('matches LIKE case-sensitively and ILIKE in any case, % and _ as MLflow reads them', async () => {
    await withStores(await server.createDatabase(), async ({ tracking }) => {
      const exp = await tracking.createExperiment('Survey-ZTF', undefined, [{ key: 'team', value: 'Fink' }]);
      const run = await tracking.createRun({ experimentId: exp, userId: 'ann', runName: 'SN_Ia fit', startTime: 1, tags: [{ key: 'team', value: 'Fink' }] });
      const runs = async (filter: string) =>
        (await tracking.searchRuns({ experimentIds: [exp], filter, maxResults: 10, viewType: 'ALL' })).items.map((r) => r.info.run_id);
      expect(await runs("tags.team LIKE 'fink'")).toEqual([]);
      expect(await runs("tags.team LIKE 'Fin%'")).toEqual([run.info.run_id]);
      expect(await runs("tags.team ILIKE 'fink'")).toEqual([run.info.run_id]);
      expect(await runs("attributes.run_name LIKE 'SN_Ia%'")).toEqual([run.info.run_id]);
      expect(await runs("attributes.run_name LIKE 'sn_ia%'")).toEqual([]);
      expect(await runs("attributes.run_name ILIKE 'sn_ia%'")).toEqual([run.info.run_id]);
      // A backslash is an ordinary character, as on SQLite: PostgreSQL's default escape is turned off.
      expect(await runs("attributes.run_name LIKE 'SN\\_Ia%'")).toEqual([]);
      const experiments = async (filter: string) =>
        (await tracking.searchExperiments({ filter, maxResults: 10, viewType: 'ALL' })).items.map((e) => e.name);
      expect(await experiments("name LIKE 'survey%'")).toEqual([]);
      expect(await experiments("name ILIKE 'survey%'")).toEqual(['Survey-ZTF']);
    });
  });

  it('stores values as long as MLflow allows, and refuses a longer one as MLflow does (400)', async () => {
    await withStores(await server.createDatabase(), async ({ tracking, registry }) => {
      const exp = await tracking.createExperiment('long values', undefined, []);
      const run = await tracking.createRun({ experimentId: exp, userId: 'ann', startTime: 1, tags: [] });
      // Random text: a B-tree index entry holding it would exceed PostgreSQL's 2.7 kB limit.
      const random = (chars: number) => randomBytes(chars).toString('base64').slice(0, chars);
      const tag = random(8000);
      const param = random(6000);
      await tracking.logBatch(run.info.run_id, { metrics: [], params: [{ key: 'p', value: param }], tags: [{ key: 't', value: tag }] });
      const data = (await tracking.getRun(run.info.run_id)).data;
      expect(data.tags.find((t) => t.key === 't')?.value).toBe(tag);
      expect(data.params).toEqual([{ key: 'p', value: param }]);
      const found = await tracking.searchRuns({ experimentIds: [exp], filter: `tags.t = '${tag}'`, maxResults: 10, viewType: 'ALL' });
      expect(found.items.map((r) => r.info.run_id)).toEqual([run.info.run_id]);
      const experimentTag = random(20_000);
      await tracking.setExperimentTag(exp, { key: 'notes', value: experimentTag });
      expect((await tracking.getExperiment(exp)).tags).toEqual([{ key: 'notes', value: experimentTag }]);

      await registry.createRegisteredModel('m', { tags: [] });
      const tooLong = await registry.updateRegisteredModel('m', 'd'.repeat(5001)).then(
        () => undefined,
        (err: { code?: string; message?: string }) => err,
      );
      expect(tooLong?.code).toBe('BAD_REQUEST');
      expect(tooLong?.message).toMatch(/value too long for type character varying\(5000\)/);
      expect((await registry.updateRegisteredModel('m', 'd'.repeat(5000))).description).toHaveLength(5000);
    });
  });

  it('reads 64-bit columns as numbers: timestamps, steps', async () => {
    await withStores(await server.createDatabase(), async ({ tracking }) => {
      const run = await tracking.createRun({ experimentId: '0', userId: 'ann', startTime: 1_700_000_000_123, tags: [] });
      await tracking.logBatch(run.info.run_id, { metrics: [{ key: 'm', value: 0.5, step: 2 ** 40, timestamp: 1_700_000_000_456 }], params: [], tags: [] });
      const got = await tracking.getRun(run.info.run_id);
      expect(got.info.start_time).toBe(1_700_000_000_123);
      expect(got.data.metrics).toEqual([{ key: 'm', value: 0.5, step: 2 ** 40, timestamp: 1_700_000_000_456 }]);
    });
  });

  it('gives concurrent creates of one name MLflow’s RESOURCE_ALREADY_EXISTS, one create succeeding', async () => {
    const uri = await server.createDatabase();
    const handles = await Promise.all([openStores(uri), openStores(uri), openStores(uri)]);
    try {
      const settle = (work: (s: Stores, i: number) => Promise<unknown>) =>
        Promise.all(handles.flatMap((s, h) => [0, 1, 2].map((i) => work(s, h * 3 + i).then(() => 'created', (err: { code?: string }) => err.code ?? String(err)))));
      const outcomes = (results: string[]) => [...results].sort();
      const nine = [...Array<string>(8).fill('RESOURCE_ALREADY_EXISTS'), 'created'];
      expect(outcomes(await settle((s) => s.tracking.createExperiment('same', undefined, [])))).toEqual(nine);
      expect(outcomes(await settle((s) => s.registry.createRegisteredModel('same', { tags: [] })))).toEqual(nine);
      const ids = await Promise.all([0, 1, 2].map((i) => handles[0]!.tracking.createExperiment(`rename-${i}`, undefined, [])));
      const renames = await Promise.all(ids.map((id, i) => handles[i]!.tracking.renameExperiment(id, 'taken').then(() => 'created', (err: { code?: string }) => err.code)));
      expect(outcomes(renames as string[])).toEqual(['RESOURCE_ALREADY_EXISTS', 'RESOURCE_ALREADY_EXISTS', 'created']);
      expect(await errorCodeOf(handles[1]!.tracking.createExperiment('same', undefined, []))).toBe('RESOURCE_ALREADY_EXISTS');
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });
});
