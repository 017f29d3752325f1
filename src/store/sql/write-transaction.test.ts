// write-transaction.ts on a real PostgreSQL: a deadlock victim is run again and both
// transactions commit; an error of the transaction's own is never retried.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratedPostgresDatabase, stopLocalPostgres } from '../../../tests/ts/contracts/store-implementations.js';
import { MlflowError } from '../../common/mlflow-error.js';
import { openDatabase, type SqlDatabase } from './open-database.js';
import { writeTransaction } from './write-transaction.js';

afterAll(stopLocalPostgres);

describe('writeTransaction on PostgreSQL', () => {
  let database: SqlDatabase;
  beforeEach(async () => {
    database = await openDatabase(await migratedPostgresDatabase());
    await database.db
      .insertInto('experiments')
      .values(['a', 'b'].map((name) => ({ name, artifact_location: '', lifecycle_stage: 'active', creation_time: 0, last_update_time: 0 })))
      .execute();
  });
  afterEach(async () => {
    await database.close();
  });

  const touch = (db: SqlDatabase['db'], name: string) =>
    db.updateTable('experiments').set((eb) => ({ last_update_time: eb('last_update_time', '+', 1) })).where('name', '=', name).execute();

  it('runs a deadlock victim again: both transactions commit, each once', async () => {
    // Each locks its first row, waits until the other holds its own, then asks for the other's.
    let held = 0;
    let bothHeld!: () => void;
    const barrier = new Promise<void>((done) => (bothHeld = done));
    const attempts = { ab: 0, ba: 0 };
    const crossing = (first: string, second: string, key: keyof typeof attempts) =>
      writeTransaction(database.db, async (tx) => {
        attempts[key] += 1;
        await touch(tx, first);
        if (++held === 2) bothHeld();
        await barrier;
        await touch(tx, second);
      });
    await Promise.all([crossing('a', 'b', 'ab'), crossing('b', 'a', 'ba')]);
    // PostgreSQL broke the deadlock by failing one (40P01); run again, it went through.
    expect(attempts.ab + attempts.ba).toBe(3);
    const rows = await database.db.selectFrom('experiments').select(['name', 'last_update_time']).where('name', 'in', ['a', 'b']).orderBy('name').execute();
    expect(rows).toEqual([
      { name: 'a', last_update_time: 2 },
      { name: 'b', last_update_time: 2 },
    ]);
  }, 30_000);

  it('never runs again a transaction that failed on its own', async () => {
    let attempts = 0;
    const failing = writeTransaction(database.db, async (tx) => {
      attempts += 1;
      await touch(tx, 'a');
      throw MlflowError.invalid('refused by the transaction itself');
    });
    await expect(failing).rejects.toThrow('refused by the transaction itself');
    expect(attempts).toBe(1);
    const a = await database.db.selectFrom('experiments').select('last_update_time').where('name', '=', 'a').executeTakeFirstOrThrow();
    expect(a.last_update_time).toBe(0);
  });
});
