/** The Aviary server, in the demo's own process, on the data directory it trains into. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configForDataDir, openAviary, type Aviary } from '../app/open-aviary.js';
import type { Logger } from '../common/logger.js';
import { createApp } from '../server/create-app.js';
import type { BrowserDefenceOptions } from '../server/security/browser-guard.js';

export interface DemoServer {
  readonly aviary: Aviary;
  readonly url: string;
  close(): Promise<void>;
}

export async function startDemoServer(
  dataDir: string,
  host: string,
  port: number,
  version: string,
  log: Logger,
  browserDefences: BrowserDefenceOptions = { listenHost: host },
): Promise<DemoServer> {
  const aviary = await openAviary(configForDataDir(dataDir), log);
  const server = createApp(aviary, { version, browserDefences }, log);
  try {
    await listen(server, port, host);
  } catch (err) {
    await aviary.close();
    const code = (err as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ` (another server uses it: stop it, or pass --port <n>, or --port 0 for a free one)` : '';
    throw new Error(`cannot listen on ${host}:${port}: ${(err as Error).message}${hint}`);
  }
  const { port: actual } = server.address() as AddressInfo;
  return {
    aviary,
    url: `http://${host}:${actual}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await aviary.close();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ready();
    });
  });
}
