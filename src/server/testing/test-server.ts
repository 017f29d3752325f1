/** For HTTP tests: the whole server over an in-memory database and a temporary artifact folder, on a free port. */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAviary, type Aviary, type AviaryConfig } from '../../app/open-aviary.js';
import { silentLogger } from '../../common/logger.js';
import { createApp } from '../create-app.js';

export interface TestServer {
  readonly aviary: Aviary;
  readonly base: string;
  /** Holds `artifacts/`, the artifact root. */
  readonly dir: string;
  close(): Promise<void>;
}

/** `config` adds to (or replaces) the in-memory database and temporary artifact root. */
export async function startTestServer(name: string, version = 'test', config: Partial<AviaryConfig> = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), `aviary-${name}-`));
  const aviary = await openAviary({ backendStoreUri: 'sqlite:///:memory:', artifactsDestination: join(dir, 'artifacts'), ...config }, silentLogger);
  const server = createApp(aviary, { version }, silentLogger);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    aviary,
    dir,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise((r) => server.close(r));
      await aviary.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
