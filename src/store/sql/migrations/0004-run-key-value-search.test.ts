import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { Migrator, type Migration } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../open-database.js';
import { trackingTables } from './0001-tracking.js';
import { registryTables } from './0002-registry.js';
import { webhookTables } from './0003-webhooks.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A database as the release before 0004 left it, with one run and its param and tag. */
async function databaseBefore0004(path: string): Promise<void> {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Sqlite(path) }) });
  const migrations: Record<string, Migration> = { '0001-tracking': trackingTables, '0002-registry': registryTables, '0003-webhooks': webhookTables };
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableName: 'aviary_migrations' });
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
  await db
    .insertInto('runs')
    .values({ run_uuid: 'r1', name: 'r1', experiment_id: 0, user_id: 'u', status: 'FINISHED', start_time: 1, lifecycle_stage: 'active', artifact_uri: 'a' })
    .execute();
  await db.insertInto('run_params').values({ run_uuid: 'r1', key: 'model', value: 'rf' }).execute();
  await db.insertInto('run_tags').values({ run_uuid: 'r1', key: 'team', value: 'survey' }).execute();
  await db.destroy();
}

describe('0004-run-key-value-search', () => {
  it('replaces the (key, value) index of run params and tags with (key, value, run_uuid), keeping the rows', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aviary-0004-'));
    const path = join(dir, 'db.sqlite');
    await databaseBefore0004(path);
    const sdb = await openDatabase(`sqlite:///${path}`);
    try {
      const indexes = await sdb.db.executeQuery<{ name: string; tbl_name: string }>(
        CompiledQuery.raw("select name, tbl_name from sqlite_master where type = 'index' and name like 'run_%key_value%' order by name"),
      );
      expect(indexes.rows).toEqual([
        { name: 'run_params_key_value_run', tbl_name: 'run_params' },
        { name: 'run_tags_key_value_run', tbl_name: 'run_tags' },
      ]);
      const param = await sdb.db.selectFrom('run_params').selectAll().where('key', '=', 'model').where('value', '=', 'rf').execute();
      expect(param).toEqual([{ run_uuid: 'r1', key: 'model', value: 'rf' }]);
      const tag = await sdb.db.selectFrom('run_tags').select('run_uuid').where('key', '=', 'team').where('value', '=', 'survey').execute();
      expect(tag).toEqual([{ run_uuid: 'r1' }]);
    } finally {
      await sdb.close();
    }
  });
});
