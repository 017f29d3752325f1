/**
 * Kysely's PostgreSQL dialect (node-postgres underneath), with the database's errors answered
 * as MLflow answers them (postgres-errors.ts) wherever a query, a connection or a commit fails.
 * Transactions run at PostgreSQL's default READ COMMITTED, as MLflow's do; the writes that
 * read before they write are made safe under it where they are written (write-transaction.ts).
 */
import { PostgresDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryCompiler, type TransactionSettings } from 'kysely';
import { asMlflowError } from './postgres-errors.js';

export class PostgresStoreDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new MlflowErrorsDriver(super.createDriver());
  }
}

type CompileQuery = QueryCompiler['compileQuery'];

const translated = <T>(work: Promise<T>): Promise<T> => work.catch((err: unknown) => Promise.reject(asMlflowError(err)));

/** The wrapped driver's connections, handed out wrapped and given back to it as they were. */
class MlflowErrorsDriver implements Driver {
  private readonly originals = new WeakMap<DatabaseConnection, DatabaseConnection>();
  private readonly wrappers = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(private readonly driver: Driver) {}

  init(): Promise<void> {
    return translated(this.driver.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await translated(this.driver.acquireConnection());
    let wrapper = this.wrappers.get(connection);
    if (!wrapper) {
      wrapper = {
        executeQuery: (query: CompiledQuery) => translated(connection.executeQuery(query)),
        streamQuery: (query: CompiledQuery, chunkSize?: number) => connection.streamQuery(query, chunkSize),
      };
      this.wrappers.set(connection, wrapper);
      this.originals.set(wrapper, connection);
    }
    return wrapper;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return translated(this.driver.beginTransaction(this.original(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return translated(this.driver.commitTransaction(this.original(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.rollbackTransaction(this.original(connection));
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    await translated(this.driver.savepoint!(this.original(connection), name, compile));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    await this.driver.rollbackToSavepoint!(this.original(connection), name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    await translated(this.driver.releaseSavepoint!(this.original(connection), name, compile));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(this.original(connection));
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }

  private original(connection: DatabaseConnection): DatabaseConnection {
    return this.originals.get(connection) ?? connection;
  }
}
