/**
 * better-sqlite3 as Kysely's SQLite dialect sees it, with prepared statements cached by SQL
 * text. Kysely prepares every query anew; the same shapes (a log-batch insert of 500 rows,
 * a run lookup) recur constantly, and preparing a wide INSERT costs more than running it.
 */
import type Sqlite from 'better-sqlite3';

const CACHE_SIZE = 256;

export function withStatementCache(connection: Sqlite.Database): Sqlite.Database {
  const cache = new Map<string, Sqlite.Statement>();
  const prepare = (source: string): Sqlite.Statement => {
    const hit = cache.get(source);
    if (hit) {
      // Refresh its place: the Map's order is the eviction order.
      cache.delete(source);
      cache.set(source, hit);
      return hit;
    }
    const statement = connection.prepare(source);
    cache.set(source, statement);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return statement;
  };
  return new Proxy(connection, {
    get(target, property, receiver) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
