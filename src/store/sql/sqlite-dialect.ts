/**
 * Kysely's SQLite dialect, with write transactions that take the write lock when they begin.
 * A plain BEGIN reads first and asks for the lock at its first write; if another process wrote
 * meanwhile, SQLite fails at once with SQLITE_BUSY instead of waiting out busy_timeout.
 * BEGIN IMMEDIATE waits its turn, so a server and a broker can share one database file.
 */
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}
