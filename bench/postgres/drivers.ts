/**
 * The two PostgreSQL drivers Kysely can use, side by side, on what the tracking store does:
 * `pg` (node-postgres, Kysely's own PostgresDialect) and `postgres` (Postgres.js, through
 * kysely-postgres-js). Each driver gets a fresh database on one LocalPostgres, a pool of the
 * same size, and the same Kysely queries:
 *   - single-row INSERTs one after another (a round trip each: request latency),
 *   - single-row INSERTs with the whole pool busy (throughput under concurrent requests),
 *   - a 1000-row INSERT (a log-batch sized write),
 *   - a 100-row SELECT joining runs to their tags and params (a search page),
 *   - a write transaction of three statements (a logBatch's shape).
 * Rounds alternate the drivers; the median round is reported.
 *
 *   npx tsx bench/postgres/drivers.ts [--rounds 5] [--pool 10] [--smoke]
 */
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import pg from 'pg';
import postgres from 'postgres';
import { LocalPostgres } from '../../tests/ts/postgres/local-postgres.js';
import { consoleTable } from '../common/tables.js';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string' }, pool: { type: 'string' }, smoke: { type: 'boolean', default: false } },
});
const rounds = Number(args.rounds ?? (args.smoke ? 1 : 5));
const poolSize = Number(args.pool ?? 10);
const scale = args.smoke ? 0.05 : 1;
const SEQUENTIAL_INSERTS = Math.ceil(2000 * scale);
const CONCURRENT_INSERTS = Math.ceil(5000 * scale);
const BATCHES = Math.ceil(20 * scale);
const SELECTS = Math.ceil(300 * scale);
const TRANSACTIONS = Math.ceil(1000 * scale);

interface Tables {
  runs: { run_uuid: string; name: string; start_time: number };
  run_tags: { run_uuid: string; key: string; value: string };
  run_params: { run_uuid: string; key: string; value: string };
  metrics: { run_uuid: string; key: string; value: number; step: number; timestamp: number };
}
type Db = Kysely<Tables>;

const DRIVERS = {
  pg: (uri: string): Db => {
    // int8 as a number, as the store reads it.
    const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)) };
    return new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: uri, max: poolSize, types }) }) });
  },
  postgres: (uri: string): Db =>
    new Kysely({ dialect: new PostgresJSDialect({ postgres: postgres(uri, { max: poolSize, onnotice: () => {}, types: { bigint: postgres.BigInt } }) }) }),
} as const;
type DriverName = keyof typeof DRIVERS;

async function createSchema(db: Db): Promise<void> {
  await db.schema.createTable('runs').addColumn('run_uuid', 'varchar(32)', (c) => c.primaryKey()).addColumn('name', 'varchar(250)').addColumn('start_time', 'bigint').execute();
  for (const table of ['run_tags', 'run_params'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('run_uuid', 'varchar(32)', (c) => c.references('runs.run_uuid'))
      .addColumn('key', 'varchar(250)')
      .addColumn('value', 'varchar(8000)')
      .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key'])
      .execute();
  }
  await db.schema
    .createTable('metrics')
    .addColumn('run_uuid', 'varchar(32)')
    .addColumn('key', 'varchar(250)')
    .addColumn('value', 'double precision')
    .addColumn('step', 'bigint')
    .addColumn('timestamp', 'bigint')
    .execute();
}

let nextRun = 0;
const runId = () => `r${String(nextRun++).padStart(31, '0')}`;

/** Each workload's rate, in its own unit (higher is better). */
async function round(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let t = performance.now();
  for (let i = 0; i < SEQUENTIAL_INSERTS; i++) await db.insertInto('runs').values({ run_uuid: runId(), name: 'r', start_time: Date.now() }).execute();
  out['single-row INSERT, one at a time (rows/s)'] = SEQUENTIAL_INSERTS / ((performance.now() - t) / 1000);

  t = performance.now();
  let left = CONCURRENT_INSERTS;
  const worker = async () => {
    while (left-- > 0) await db.insertInto('runs').values({ run_uuid: runId(), name: 'r', start_time: Date.now() }).execute();
  };
  await Promise.all(Array.from({ length: poolSize * 2 }, worker));
  out[`single-row INSERT, ${poolSize * 2} in flight (rows/s)`] = CONCURRENT_INSERTS / ((performance.now() - t) / 1000);

  const batchRun = runId();
  await db.insertInto('runs').values({ run_uuid: batchRun, name: 'b', start_time: 0 }).execute();
  t = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ run_uuid: batchRun, key: `m${i % 10}`, value: Math.random(), step: b * 1000 + i, timestamp: Date.now() }));
    await db.insertInto('metrics').values(rows).execute();
  }
  out['1000-row INSERT (batches/s)'] = BATCHES / ((performance.now() - t) / 1000);

  t = performance.now();
  for (let s = 0; s < SELECTS; s++) {
    await db
      .selectFrom('runs')
      .innerJoin('run_tags', 'run_tags.run_uuid', 'runs.run_uuid')
      .leftJoin('run_params', (j) => j.onRef('run_params.run_uuid', '=', 'runs.run_uuid').on('run_params.key', '=', 'lr'))
      .select(['runs.run_uuid', 'runs.name', 'runs.start_time', 'run_tags.value as team', 'run_params.value as lr'])
      .where('run_tags.key', '=', 'team')
      .orderBy('runs.start_time', 'desc')
      .limit(100)
      .execute();
  }
  out['100-row SELECT with two joins (queries/s)'] = SELECTS / ((performance.now() - t) / 1000);

  t = performance.now();
  for (let x = 0; x < TRANSACTIONS; x++) {
    await db.transaction().execute(async (tx) => {
      const id = runId();
      await tx.insertInto('runs').values({ run_uuid: id, name: 'x', start_time: Date.now() }).execute();
      await tx.insertInto('run_params').values({ run_uuid: id, key: 'lr', value: '0.1' }).execute();
      await tx.selectFrom('runs').select('name').where('run_uuid', '=', id).executeTakeFirstOrThrow();
    });
  }
  out['3-statement transaction (transactions/s)'] = TRANSACTIONS / ((performance.now() - t) / 1000);
  return out;
}

/** 100 runs tagged `team`, half with a param: what the SELECT pages over. */
async function seed(db: Db): Promise<void> {
  const ids = Array.from({ length: 300 }, runId);
  await db.insertInto('runs').values(ids.map((id, i) => ({ run_uuid: id, name: `run ${i}`, start_time: i }))).execute();
  await db.insertInto('run_tags').values(ids.map((id) => ({ run_uuid: id, key: 'team', value: 'survey' }))).execute();
  await db.insertInto('run_params').values(ids.filter((_, i) => i % 2 === 0).map((id) => ({ run_uuid: id, key: 'lr', value: '0.01' }))).execute();
  await sql`analyze`.execute(db);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const server = await LocalPostgres.start();
  try {
    const dbs = {} as Record<DriverName, Db>;
    for (const name of Object.keys(DRIVERS) as DriverName[]) {
      dbs[name] = DRIVERS[name](await server.createDatabase());
      await createSchema(dbs[name]);
      await seed(dbs[name]);
    }
    const results: Record<DriverName, Record<string, number>[]> = { pg: [], postgres: [] };
    for (let r = 0; r < rounds; r++) {
      const order = (r % 2 === 0 ? ['pg', 'postgres'] : ['postgres', 'pg']) as DriverName[];
      for (const name of order) results[name].push(await round(dbs[name]));
    }
    for (const db of Object.values(dbs)) await db.destroy();
    const workloads = Object.keys(results.pg[0]!);
    const rows = [['workload (median of rounds)', 'pg', 'postgres', 'postgres / pg']];
    for (const w of workloads) {
      const a = median(results.pg.map((x) => x[w]!));
      const b = median(results.postgres.map((x) => x[w]!));
      rows.push([w, a.toFixed(0), b.toFixed(0), (b / a).toFixed(2)]);
    }
    console.log(`PostgreSQL ${(await server.query('show server_version')).rows[0].server_version}, pool ${poolSize}, ${rounds} rounds`);
    console.log(consoleTable(rows));
  } finally {
    await server.stop();
  }
}

await main();
