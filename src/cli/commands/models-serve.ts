/**
 * `aviary models serve <uri> --port <p> [--host 127.0.0.1]`: MLflow's scoring server for one
 * model (/ping, /health, /version, POST /invocations), the model running in its own environment.
 * Stops on SIGINT/SIGTERM: the server closes, then the workers.
 */
import { consoleLogger } from '../../common/logger.js';
import { MLFLOW_VERSION } from '../../common/mlflow-version.js';
import { loadModel } from '../../runtime/load-model.js';
import { isModelUri } from '../../runtime/model-source.js';
import { createScoringServer } from '../../runtime/serving/scoring-server.js';
import { loadOptionsFrom, type RuntimeOptions } from '../runtime-options.js';
import { EXIT_INTERRUPTED } from '../run-command.js';
import { openModelStore, type OpenedModelStore, type TrackingUriOptions } from '../tracking-uri-options.js';

export interface ServeOptions extends TrackingUriOptions, RuntimeOptions {
  host: string;
  port: number;
}

export async function serve(uri: string, opts: ServeOptions): Promise<void> {
  const logger = consoleLogger('serve');
  let store: OpenedModelStore | undefined;
  if (isModelUri(uri)) store = await openModelStore(opts, logger);
  const model = await loadModel(uri, loadOptionsFrom(opts, store, logger)).catch(async (err: unknown) => {
    await store?.close();
    throw err;
  });
  // The registry was only needed to find the files: the model runs from its own folder now.
  await store?.close();
  const server = createScoringServer(model, { version: MLFLOW_VERSION, logger });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => ready());
  }).catch(async (err: Error) => {
    await model.close();
    throw new Error(`cannot listen on ${opts.host}:${opts.port}: ${err.message}`);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const what = model.version ? `${model.version.name} version ${model.version.version}` : model.uri;
  logger.info(`serving ${what} (${model.flavor}, ${model.runtime.description}) on http://${opts.host}:${port}`);
  // Ctrl-C exits 130 as an interrupted program does; SIGTERM (a service manager's stop) exits 0.
  const stop = (signal: NodeJS.Signals) => {
    logger.info('shutting down');
    server.close();
    server.closeAllConnections();
    model.close().then(
      () => process.exit(signal === 'SIGINT' ? EXIT_INTERRUPTED : 0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
