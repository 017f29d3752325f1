/** `aviary server`: the MLflow-compatible tracking server and registry, with flags named as `mlflow server`'s. */
import { Command, InvalidArgumentError } from 'commander';
import { openAuth, type OpenedAuth } from '../../app/open-auth.js';
import { openAviary, type Aviary } from '../../app/open-aviary.js';
import { localPathOf } from '../../artifacts/artifact-uri.js';
import { consoleLogger } from '../../common/logger.js';
import { createApp } from '../../server/create-app.js';
import { redactUri } from '../../store/sql/database-uri.js';
import { resolveArtifactLocation } from '../../tracking/artifact-location.js';
import { addAuthOptions, authConfigFromFlags, type AuthFlags } from '../auth-options.js';
import { addBrowserDefenceOptions, browserDefencesFromFlags, type BrowserDefenceFlags } from '../browser-defence-options.js';
import { EXIT_INTERRUPTED } from '../run-command.js';
import { addStoreOptions, alertStoreOption, configFromOptions, type StoreOptions } from '../store-options.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

/** `mlflow-artifacts:/` (MLflow's default) is this server's own store; any other root is checked as an experiment's location is. */
function artifactRoot(value: string): string {
  if (/^mlflow-artifacts:\/*$/.test(value)) return 'mlflow-artifacts:';
  try {
    return resolveArtifactLocation(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function serverCommand(version: string): Command {
  const command = new Command('server')
    .description('Serve the MLflow-compatible tracking API, model registry and artifacts')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, 5000)
    .option(
      '--default-artifact-root <uri>',
      "where experiments created without an artifact location keep artifacts: mlflow-artifacts:/<path> in this server's store, or a local folder the clients write to directly, which also becomes the server's artifact folder unless --artifacts-destination is given (default: mlflow-artifacts:/)",
      artifactRoot,
    )
    .addHelpText(
      'after',
      `
Backend store URIs (--backend-store-uri):
  sqlite:///relative/path.db   sqlite:////absolute/path.db
  postgresql://<user>:<password>@<host>:<port>/<database>
    also postgres://, postgresql+psycopg2://, postgresql+psycopg://, postgresql+pg8000://
    query parameters: sslmode (disable, require, verify-ca, verify-full), sslrootcert, sslcert,
      sslkey, connect_timeout (seconds, default 10), application_name, options, host
    connections per process: MLFLOW_SQLALCHEMYSTORE_POOL_SIZE + MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW
      (default 5 + 10)`,
    );
  return addAuthOptions(addBrowserDefenceOptions(addStoreOptions(command).addOption(alertStoreOption()))).action(async (opts: StoreOptions & BrowserDefenceFlags & AuthFlags & { host: string; port: number; defaultArtifactRoot?: string }) => {
    const log = consoleLogger('server');
    const config = { ...configFromOptions(opts), defaultArtifactRoot: opts.defaultArtifactRoot };
    // A local default root is the operator's choice, so this server keeps and serves the artifacts
    // there (as MLflow's server does), unless --artifacts-destination puts its store elsewhere.
    const localRoot = opts.defaultArtifactRoot?.startsWith('mlflow-artifacts:') === false ? localPathOf(opts.defaultArtifactRoot) : undefined;
    if (localRoot && opts.artifactsDestination === undefined) config.artifactsDestination = localRoot;
    let aviary: Aviary;
    let auth: OpenedAuth | undefined;
    try {
      const authConfig = authConfigFromFlags(opts, process.env);
      aviary = await openAviary(config, log);
      auth = authConfig && (await openAuth(config.backendStoreUri, authConfig));
      // Shown once, on the terminal that started the server; only its hash is stored.
      if (auth?.generatedAdminPassword) process.stderr.write(`aviary: created user '${authConfig!.adminUsername}' with password ${auth.generatedAdminPassword} (shown only now: keep it, or change it)\n`);
      if (auth) log.info(`authentication on (default permission ${authConfig!.defaultPermission}${authConfig!.publicAlerts ? ', alerts public' : ''})`);
    } catch (err) {
      // A bad setting or an unreadable database: one clear line, not a stack trace.
      process.stderr.write(`aviary: cannot start the server: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    }
    const server = createApp(aviary, { version, browserDefences: browserDefencesFromFlags(opts, opts.host), auth: auth?.service }, log);
    server.on('error', (err) => {
      log.error(`cannot listen on ${opts.host}:${opts.port}: ${err.message}`);
      process.exit(1);
    });
    server.listen(opts.port, opts.host, () => {
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : opts.port;
      log.info(`Aviary ${version} listening on http://${opts.host}:${actualPort} (database: ${redactUri(config.backendStoreUri)})`);
    });
    // Ctrl-C exits 130 as an interrupted program does; SIGTERM (a service manager's stop) exits 0.
    const stop = (signal: NodeJS.Signals) => {
      log.info('shutting down');
      server.close();
      Promise.all([aviary.close(), auth?.close()]).then(() => process.exit(signal === 'SIGINT' ? EXIT_INTERRUPTED : 0), () => process.exit(1));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
