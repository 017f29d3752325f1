/**
 * Rows written straight into a server's own tables, for the seeding its REST API would take too
 * long for. Each row names its table and its columns, so one description of a server's tables
 * feeds both the SQLite writer here and the PostgreSQL one (postgres-rows.ts).
 */
import type Sqlite from 'better-sqlite3';

export type Cell = string | number | null;

export interface TableRow {
  table: string;
  values: Record<string, Cell>;
}

/** `INSERT INTO "table" ("a", "b") VALUES (...)`, one parenthesised group per row. */
export function insertSql(table: string, columns: readonly string[], groups: readonly string[]): string {
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${groups.join(', ')}`;
}

/** Writes rows one at a time through one prepared INSERT per table; the caller holds the transaction. */
export function sqliteRowWriter(db: Sqlite.Database): (row: TableRow) => void {
  const statements = new Map<string, Sqlite.Statement>();
  return ({ table, values }) => {
    const columns = Object.keys(values);
    const key = `${table}(${columns.join()})`;
    let statement = statements.get(key);
    if (!statement) {
      statement = db.prepare(insertSql(table, columns, [`(${columns.map(() => '?').join(', ')})`]));
      statements.set(key, statement);
    }
    statement.run(...Object.values(values));
  };
}
