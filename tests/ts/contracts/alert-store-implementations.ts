/**
 * Every implementation of the AlertStore interface, for its contract suite: each entry gives a
 * fresh, empty store and, when the data outlives the handle, the URI a second handle opens.
 * PostgreSQL runs as one local cluster per test file, started at its first use (a fresh
 * database per store); the suite stops it with stopAlertStorePostgres.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertStore } from '../../../src/broker/store/alert-store.js';
import { MemoryAlertStore } from '../../../src/broker/store/memory-alert-store.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { LocalPostgres } from '../postgres/local-postgres.js';

export interface AlertStoreFixture {
  readonly store: AlertStore;
  readonly sharedUri?: string;
  dispose(): Promise<void>;
}

export interface AlertStoreImplementation {
  readonly name: string;
  create(): Promise<AlertStoreFixture>;
}

async function sqliteFile(writerThread: boolean): Promise<AlertStoreFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'aviary-alert-contract-'));
  const sharedUri = `sqlite:///${join(dir, 'alerts.db')}`;
  const store = await openAlertStore(sharedUri, { writerThread });
  return {
    store,
    sharedUri,
    async dispose() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let postgres: Promise<LocalPostgres> | undefined;

export async function stopAlertStorePostgres(): Promise<void> {
  const started = postgres;
  postgres = undefined;
  await (await started)?.stop();
}

async function postgresDatabase(writerThread: boolean): Promise<AlertStoreFixture> {
  const sharedUri = await (await (postgres ??= LocalPostgres.start())).createDatabase();
  const store = await openAlertStore(sharedUri, { writerThread });
  return { store, sharedUri, dispose: () => store.close() };
}

export const ALERT_STORE_IMPLEMENTATIONS: AlertStoreImplementation[] = [
  {
    name: 'memory',
    async create() {
      const store = new MemoryAlertStore();
      return { store, dispose: () => store.close() };
    },
  },
  {
    name: 'sqlite in memory',
    async create() {
      const store = await openAlertStore('sqlite:///:memory:');
      return { store, dispose: () => store.close() };
    },
  },
  { name: 'sqlite file', create: () => sqliteFile(false) },
  { name: 'sqlite file, writer thread', create: () => sqliteFile(true) },
  { name: 'postgresql', create: () => postgresDatabase(false) },
  { name: 'postgresql, writer thread', create: () => postgresDatabase(true) },
];
