/**
 * The database both servers keep their data in for one bench run: a SQLite file in each server's
 * folder, or a database each on one local PostgreSQL cluster. A backend gives every server start
 * a fresh database, and writes seed rows straight into it while the server runs.
 */
import type { Kind } from './both.js';
import { startPostgresBackend } from './postgres-backend.js';
import type { SourceRun } from './registry-seed.js';
import { sqliteBackend } from './sqlite-backend.js';

export const BACKENDS = ['sqlite', 'postgres'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface ServerDatabase {
  /** The server's --backend-store-uri; absent for Aviary's default, aviary.db in its data dir. */
  storeUri?: string;
  /** Where seed rows go: a SQLite file or a PostgreSQL URI. */
  seedTarget: string;
}

export interface StoreBackend {
  readonly name: BackendName;
  /** How the report names the database: SQLite, PostgreSQL. */
  readonly label: string;
  /** One line for the report: the version and how it was set up. */
  readonly description: string;
  /** A fresh, empty database for one start of `kind`, whose folder is `dir`. */
  freshDatabase(kind: Kind, dir: string): Promise<ServerDatabase>;
  /** Runs `from` to `to - 1` (seed.ts) in `kind`'s tables, in one transaction. Returns seconds. */
  seedRuns(db: ServerDatabase, kind: Kind, experimentId: string, from: number, to: number): Promise<number>;
  /** Models `from` to `to - 1` (registry-seed.ts) in `kind`'s tables, in one transaction. Returns seconds. */
  seedModels(db: ServerDatabase, kind: Kind, run: SourceRun, from: number, to: number): Promise<number>;
  close(): Promise<void>;
}

/** `--backend sqlite,postgres` to the names, in the order given; one line naming what is wrong otherwise. */
export function parseBackends(value: string): BackendName[] {
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(BACKENDS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`--backend: unknown backend '${unknown.join(',') || value}'; expected ${BACKENDS.join(', ')} or both, comma-separated`);
  }
  return [...new Set(names as BackendName[])];
}

export async function openBackend(name: BackendName): Promise<StoreBackend> {
  return name === 'sqlite' ? sqliteBackend() : startPostgresBackend();
}
