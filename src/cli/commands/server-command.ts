/** `aviary server`: the MLflow-compatible tracking server, with flags named as `mlflow server`'s. */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { consoleLogger } from '../../common/logger.js';
import { createApp } from '../../server/create-app.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

export function serverCommand(version: string): Command {
  return new Command('server')
    .description('Serve the MLflow-compatible tracking API, artifacts and (later) the registry and UI')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, 5000)
    .option('--data-dir <dir>', 'where the database and artifacts live by default', './aviary-data')
    .option('--backend-store-uri <uri>', 'database URI (default: sqlite:///<data dir>/aviary.db)')
    .option('--artifacts-destination <dir>', 'artifact root folder (default: <data dir>/artifacts)')
    .action(async (opts: { host: string; port: number; dataDir: string; backendStoreUri?: string; artifactsDestination?: string }) => {
      const log = consoleLogger('server');
      const dataDir = resolve(opts.dataDir);
      const app = await createApp(
        {
          backendStoreUri: opts.backendStoreUri ?? `sqlite:///${dataDir}/aviary.db`,
          artifactsDestination: resolve(opts.artifactsDestination ?? `${dataDir}/artifacts`),
          version,
        },
        log,
      );
      app.server.listen(opts.port, opts.host, () => {
        const address = app.server.address();
        const actualPort = typeof address === 'object' && address ? address.port : opts.port;
        log.info(`Aviary ${version} listening on http://${opts.host}:${actualPort} (data: ${dataDir})`);
      });
      app.server.on('error', (err) => {
        log.error(`cannot listen on ${opts.host}:${opts.port}: ${err.message}`);
        process.exit(1);
      });
      const stop = () => {
        log.info('shutting down');
        app.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
