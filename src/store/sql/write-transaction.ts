/**
 * A write transaction, run again when a concurrent one got in its way. SQLite serialises
 * writers (BEGIN IMMEDIATE), so a transaction that reads, checks, then writes always sees the
 * last commit. PostgreSQL runs them side by side at READ COMMITTED: two creates of one name
 * both find it free, and the second's INSERT fails on the unique key (23505); transactions
 * locking rows in opposite orders deadlock (40P01); a serialization failure (40001) asks for a
 * retry outright. Run again, the transaction sees the other's commit, and its own check gives
 * the error SQLite would have given (RESOURCE_ALREADY_EXISTS, with MLflow's message). On SQLite
 * nothing here ever retries.
 */
import type { Kysely, Transaction } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { sqlStateOf } from './postgres-errors.js';
import type { Database } from './schema.js';

/** PostgreSQL gave the transaction up so that another could go on: run whole again, it may succeed. */
export const CONTENTION: ReadonlySet<string> = new Set(['40001', '40P01']);
/** What the tracking store retries: contention, and a unique key taken by a concurrent create. */
const RETRIED: ReadonlySet<string> = new Set([...CONTENTION, '23505']);
const ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 5;

export function writeTransaction<T>(db: Kysely<Database>, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  return retryOnSqlState(() => db.transaction().execute(work), RETRIED);
}

/**
 * One statement that is atomic on its own (PostgreSQL runs it in a transaction of its own),
 * run again as a transaction would be: it saves BEGIN and COMMIT, two round trips.
 */
export function writeStatement<T>(run: () => Promise<T>): Promise<T> {
  return retryOnSqlState(run, RETRIED);
}

/** Runs `run` again (up to 5 attempts, jittered doubling backoff) while it fails with one of `states`. */
export async function retryOnSqlState<T>(run: () => Promise<T>, states: ReadonlySet<string>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const state = sqlStateOf(err);
      if (attempt >= ATTEMPTS || state === undefined || !states.has(state)) throw err;
      // Jittered, doubling: the transactions that collided should not collide again in step.
      const backoff = FIRST_BACKOFF_MS * 2 ** (attempt - 1);
      await sleep(backoff / 2 + Math.random() * backoff);
    }
  }
}
