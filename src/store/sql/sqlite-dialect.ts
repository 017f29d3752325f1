/**
 * Kysely's SQLite dialect, with write transactions that take the write lock when they begin.
 * A plain BEGIN reads first and asks for the lock at its first write; if another process wrote
 * meanwhile, SQLite fails at once with SQLITE_BUSY instead of waiting out busy_timeout.
 * BEGIN IMMEDIATE waits its turn, so a server and a broker can share one database file.
 */
import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type DialectAdapter, type Driver, type SqliteDialectConfig } from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * SQLite does run DDL in transactions; saying so makes Kysely's migrator run each migration
 * batch in one (BEGIN IMMEDIATE above): two processes opening a new database at once (two
 * brokers of one consumer group) take turns, and the second finds the migrations done, instead
 * of both creating the same tables and one failing.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
