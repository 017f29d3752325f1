/**
 * What a migration writes differently on PostgreSQL. A migration's Kysely carries no dialect
 * name: the adapter it runs with tells.
 */
import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * An integer primary key the database numbers: AUTOINCREMENT on SQLite, an identity column on
 * PostgreSQL (which has no AUTOINCREMENT). BY DEFAULT, so a row may still be given its id, as
 * the Default experiment is given 0.
 */
export function generatedId(db: Kysely<any>): (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return isPostgres(db) ? (c) => c.primaryKey().generatedByDefaultAsIdentity() : (c) => c.primaryKey().autoIncrement();
}

/**
 * The columns of a search index over a key-value table. PostgreSQL refuses a B-tree entry over
 * about 2.7 kB, and a tag or param value may be 8000 characters: there the index leaves the
 * value out, and a search reads it from the row it finds through (owner, key).
 */
export function keyValueIndexColumns(db: Kysely<any>, columns: string[]): string[] {
  return isPostgres(db) ? columns.filter((c) => c !== 'value') : columns;
}
