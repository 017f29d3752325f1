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
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../open-database.js';
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

describe('SQLite search dialect', () => {
  let sdb: SqlDatabase;
  beforeEach(async () => {
    sdb = await searchDatabase();
  });
  afterEach(async () => {
    await sdb.close();
  });

  const holds = async (condition: Expression<SqlBool>) => {
    const { rows } = await sdb.db.executeQuery<{ ok: number }>(sql<{ ok: number }>`select (${condition}) as ok`.compile(sdb.db));
    return rows[0]!.ok === 1;
  };
  const dialect = searchSqlDialect('sqlite');

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
