/**
 * Every implementation of the store interfaces, for the contract suites: each suite runs once
 * per entry. `create` gives a fresh, empty database and the URI under which a second handle (or
 * process) opens the same data. PostgreSQL is a real server: one LocalPostgres per test file,
 * started at the first PostgreSQL `create`, a new database each time; a suite stops it with
 * `afterAll(stopLocalPostgres)`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryStore } from '../../../src/registry/registry-store.js';
import { openDatabase } from '../../../src/store/sql/open-database.js';
import { sqlRegistryStore } from '../../../src/store/sql/sql-registry-store.js';
import { sqlTrackingStore } from '../../../src/store/sql/sql-tracking-store.js';
import type { TrackingStore } from '../../../src/tracking/tracking-store.js';
import { LocalPostgres } from '../postgres/local-postgres.js';

/** The two stores of one handle on one database, as `openAviary` builds them. */
export interface Stores {
  readonly tracking: TrackingStore;
  readonly registry: RegistryStore;
  close(): Promise<void>;
}

export interface StoreFixture {
  readonly stores: Stores;
  /** Where the data lives, when a second handle or another process can open it (not in memory). */
  readonly sharedUri?: string;
  /** Closes the first handle and removes the data. */
  dispose(): Promise<void>;
}

export interface StoreImplementation {
  readonly name: string;
  create(): Promise<StoreFixture>;
}

/** Opens the stores named by a backend store URI: the one entry point every implementation shares. */
export async function openStores(uri: string): Promise<Stores> {
  const database = await openDatabase(uri);
  return { tracking: sqlTrackingStore(database), registry: sqlRegistryStore(database), close: () => database.close() };
}

let postgres: Promise<LocalPostgres> | undefined;
let template: Promise<string> | undefined;
let copies = 0;

/** This file's PostgreSQL server, started on first use. */
export function localPostgres(): Promise<LocalPostgres> {
  postgres ??= LocalPostgres.start();
  return postgres;
}

export async function stopLocalPostgres(): Promise<void> {
  const started = postgres;
  postgres = undefined;
  template = undefined;
  if (started) await (await started).stop();
}

/**
 * The URI of a new database with the schema in place: a copy of one migrated once per file
 * (CREATE DATABASE ... TEMPLATE), cheaper than migrating each time. Tests of migrating itself
 * take `(await localPostgres()).createDatabase()` instead.
 */
export async function migratedPostgresDatabase(): Promise<string> {
  const server = await localPostgres();
  template ??= (async () => {
    const uri = await server.createDatabase();
    await (await openDatabase(uri)).close();
    return new URL(uri).pathname.slice(1);
  })();
  const name = `copy_${process.pid}_${++copies}`;
  await server.query(`create database ${name} template ${await template}`);
  return server.uri(name);
}

export const IMPLEMENTATIONS: StoreImplementation[] = [
  {
    name: 'sqlite in memory',
    async create() {
      const stores = await openStores('sqlite:///:memory:');
      return { stores, dispose: () => stores.close() };
    },
  },
  {
    name: 'sqlite file',
    async create() {
      const dir = await mkdtemp(join(tmpdir(), 'aviary-contract-'));
      const sharedUri = `sqlite:///${join(dir, 'aviary.db')}`;
      const stores = await openStores(sharedUri);
      return {
        stores,
        sharedUri,
        async dispose() {
          await stores.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgresql',
    async create() {
      const sharedUri = await migratedPostgresDatabase();
      const stores = await openStores(sharedUri);
      return { stores, sharedUri, dispose: () => stores.close() };
    },
  },
];

/** The MLflow error code a promise rejects with (fails the test when it resolves). */
export async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  throw new Error('expected the call to fail, but it succeeded');
}
