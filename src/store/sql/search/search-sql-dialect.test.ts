import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type Expression,
  type SqlBool,
} from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratedPostgresDatabase, stopLocalPostgres } from '../../../../tests/ts/contracts/store-implementations.js';
import { openDatabase, type SqlDatabase } from '../open-database.js';
import type { SqlDialectName } from '../sql-dialect-name.js';
import { likeToGlob, searchSqlDialect } from './search-sql-dialect.js';
import { searchDatabase } from './search-test-fixtures.js';

describe('likeToGlob', () => {
  it('turns LIKE wildcards into GLOB ones and makes GLOB’s own specials literal', () => {
    expect(likeToGlob('a%b_c')).toBe('a*b?c');
    expect(likeToGlob('*?[x]')).toBe('[*][?][[]x]');
    expect(likeToGlob('C:\\dir')).toBe('C:\\dir');
    expect(likeToGlob('')).toBe('');
  });
});

/** The same cases on both databases, each a real one: MLflow's LIKE and ILIKE must not depend on which. */
const DATABASES: { name: SqlDialectName; open: () => Promise<SqlDatabase> }[] = [
  { name: 'sqlite', open: searchDatabase },
  { name: 'postgres', open: async () => openDatabase(await migratedPostgresDatabase()) },
];
afterAll(stopLocalPostgres);

describe.each(DATABASES)('$name search dialect', ({ name, open }) => {
  let sdb: SqlDatabase;
  beforeEach(async () => {
    sdb = await open();
  });
  afterEach(async () => {
    await sdb.close();
  });

  // SQLite answers 1 or 0, PostgreSQL true or false.
  const holds = async (condition: Expression<SqlBool>) => {
    const { rows } = await sdb.db.executeQuery<{ ok: unknown }>(sql<{ ok: unknown }>`select (${condition}) as ok`.compile(sdb.db));
    return rows[0]!.ok === 1 || rows[0]!.ok === true;
  };
  const dialect = searchSqlDialect(name);

  it.each([
    ['Hello', 'Hel%', true],
    ['Hello', 'hel%', false],
    ['Hello', 'H_llo', true],
    ['Hello', 'H_lo', false],
    ['a*b', 'a*b', true],
    ['axb', 'a*b', false],
    ['a?b', 'a?b', true],
    ['axb', 'a?b', false],
    ['[x]', '[x]', true],
    ['x', '[x]', false],
    ['été', 'ét_', true],
    ['a\\b', 'a\\b', true],
  ])('%s LIKE %s is %s (case-sensitive)', async (value, pattern, expected) => {
    expect(await holds(dialect.like(sql.val(value), pattern))).toBe(expected);
  });

  it.each([
    ['Hello', 'hEL%', true],
    ['Hello', 'H_LLO', true],
    ['Hello', 'world', false],
  ])('%s ILIKE %s is %s', async (value, pattern, expected) => {
    expect(await holds(dialect.ilike(sql.val(value), pattern))).toBe(expected);
  });
  it.each([
    [3, '=', 3, true],
    [3, '<', 3.5, true],
    [3, '>', 1e23, false],
    [1_700_000_000_123, '>', 1_700_000_000_122, true],
    [0.25, '=', 0.25, true],
  ])('%s %s %s is %s, whatever the column type', async (value, op, literal, expected) => {
    const column = Number.isInteger(value) ? sql`cast(${value} as integer)` : sql`cast(${value} as double precision)`;
    const big = value > 2 ** 31 ? sql`cast(${value} as bigint)` : column;
    expect(await holds(sql<SqlBool>`(${big} ${sql.raw(op)} ${dialect.number(literal)})`)).toBe(expected);
  });
});

describe('PostgreSQL search dialect', () => {
  // Compiles only: a DummyDriver needs no server.
  const pg = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const dialect = searchSqlDialect('postgres');

  it('uses LIKE and ILIKE with the backslash escape turned off, the pattern bound', () => {
    const like = sql`select ${dialect.like(sql.ref('t.value'), 'a%')}`.compile(pg);
    expect(like.sql).toBe(`select ("t"."value" LIKE $1 ESCAPE '')`);
    expect(like.parameters).toEqual(['a%']);
    const ilike = sql`select ${dialect.ilike(sql.ref('t.value'), 'a%')}`.compile(pg);
    expect(ilike.sql).toBe(`select ("t"."value" ILIKE $1 ESCAPE '')`);
  });
});
