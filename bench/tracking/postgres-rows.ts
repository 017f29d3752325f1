/**
 * Rows into a PostgreSQL database, in one transaction, as multi-row INSERTs of as many rows as
 * a statement's 65,535 bind parameters allow. Values travel as text and PostgreSQL reads each as
 * its column's type, so the rows written to SQLite serve here unchanged (0 reads as false in a
 * boolean column). After the commit the tables written are analysed, as autovacuum would do
 * shortly after a bulk load: the searches that follow are planned on current statistics, the
 * same for both servers, not on whatever an empty table had.
 */
import pg from 'pg';
import { insertSql, type Cell, type TableRow } from './table-rows.js';

const MAX_PARAMETERS = 65_535;
/** Rows held per table before a flush: bounds memory, and keeps each flush to a few statements. */
const BUFFERED_ROWS = 20_000;

export class PostgresRowWriter {
  private readonly buffers = new Map<string, { columns: string[]; rows: Cell[][] }>();
  private buffered = 0;
  private ended = false;

  private constructor(private readonly client: pg.Client) {}

  /** Connects and begins the transaction. */
  static async open(uri: string): Promise<PostgresRowWriter> {
    const client = new pg.Client({ connectionString: uri });
    await client.connect();
    await client.query('BEGIN');
    return new PostgresRowWriter(client);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(sql, params)).rows as T[];
  }

  /**
   * Buffers rows per table (a table's rows must all name the same columns). Flushes write the
   * tables in the order they were first seen, so rows may reference rows of an earlier table.
   */
  async write(rows: Iterable<TableRow>): Promise<void> {
    for (const { table, values } of rows) {
      let buffer = this.buffers.get(table);
      if (!buffer) this.buffers.set(table, (buffer = { columns: Object.keys(values), rows: [] }));
      buffer.rows.push(Object.values(values));
      if (++this.buffered >= BUFFERED_ROWS) await this.flush();
    }
    await this.flush();
  }

  /** Commits, analyses the tables written and disconnects. */
  async commit(): Promise<void> {
    await this.client.query('COMMIT');
    for (const table of this.buffers.keys()) await this.client.query(`ANALYZE "${table}"`);
    await this.close();
  }

  /** Disconnects; before a commit, that rolls the transaction back. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.client.end().catch(() => {});
  }

  private async flush(): Promise<void> {
    for (const [table, buffer] of this.buffers) {
      const width = buffer.columns.length;
      const perStatement = Math.floor(MAX_PARAMETERS / width);
      for (let start = 0; start < buffer.rows.length; start += perStatement) {
        const chunk = buffer.rows.slice(start, start + perStatement);
        const groups = chunk.map((_, r) => `(${buffer.columns.map((_, c) => `$${r * width + c + 1}`).join(', ')})`);
        await this.client.query(insertSql(table, buffer.columns, groups), chunk.flat());
      }
      buffer.rows = [];
    }
    this.buffered = 0;
  }
}
