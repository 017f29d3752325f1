import type { CompiledQuery, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** The largest statement, a power of two. */
const REUSED_INSERT_ROWS = 256;

/**
 * Rows inserted by statements of 256, 128, ... 1 rows (the binary digits of their count), each
 * compiled once and rerun with new values; a SQLite connection keeps the prepared statements by
 * SQL text (cached-statements.ts; on PostgreSQL only the compiling is saved). Building a 500-row
 * INSERT with Kysely cost about as much as SQLite storing its rows.
 * (One single-row INSERT rerun per row saves the building too, but Kysely's per-call overhead
 * spends it again.) Values bind by position, so every row must have the same keys in the same
 * order, and none may be undefined (Kysely would leave that column out).
 */
export class ReusedInsert<Row extends object> {
  private readonly compiled = new Map<number, CompiledQuery>();

  constructor(private readonly compile: (rows: Row[]) => CompiledQuery) {}

  async run(tx: Transaction<Database>, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!) as (keyof Row)[];
    for (let at = 0; at < rows.length; ) {
      const size = Math.min(REUSED_INSERT_ROWS, 2 ** Math.floor(Math.log2(rows.length - at)));
      const part = rows.slice(at, (at += size));
      let insert = this.compiled.get(size);
      if (!insert) this.compiled.set(size, (insert = this.compile(part)));
      const parameters = new Array<unknown>(size * columns.length);
      let i = 0;
      for (const row of part) for (const column of columns) parameters[i++] = row[column];
      await tx.executeQuery({ ...insert, parameters });
    }
  }
}
