/**
 * `--tracking-uri` of the commands that fetch or run models: models come from a tracking server
 * over HTTP (this machine need not hold the server's data), else from the data dir as before.
 * The default is MLFLOW_TRACKING_URI when it is http(s)://, as for the mlflow client, unless a
 * flag names a local registry.
 */
import type { Command } from 'commander';
import { openAviary } from '../app/open-aviary.js';
import type { Logger } from '../common/logger.js';
import type { PreprocessingStore } from '../runtime/preprocessing-check-source.js';
import { openRemoteModelStore } from '../runtime/remote-model-store/remote-model-store.js';
import { isHttpUri, redactPassword, trackingServerSettings, type TrackingServerSettings } from '../runtime/remote-model-store/tracking-server-settings.js';
import { configFromOptions, type StoreOptions } from './store-options.js';

export interface TrackingUriOptions extends StoreOptions {
  trackingUri?: string;
  /** Set before the action: the flag given that names a local registry, if any. */
  localRegistryFlag?: string;
}

/** Where a command's models come from, closed when the command ends: a tracking server, or the data dir's Aviary. */
export type OpenedModelStore = PreprocessingStore & { close(): Promise<void> };

const LOCAL_REGISTRY_FLAGS = { dataDir: '--data-dir', backendStoreUri: '--backend-store-uri' } as const;

/**
 * Adds --tracking-uri. `localFlags`: the store flags that, given on the command line, mean the
 * local registry (a broker's --data-dir also holds its alerts, so it is not one of them).
 */
export function addTrackingUriOption(command: Command, localFlags: readonly (keyof typeof LOCAL_REGISTRY_FLAGS)[] = ['dataDir', 'backendStoreUri']): Command {
  return command
    .option('--tracking-uri <url>', 'fetch models from this tracking server over HTTP: http(s)://host:port (default: MLFLOW_TRACKING_URI when it is http(s)://, else the data dir)')
    .hook('preAction', (_, action) => {
      const given = localFlags.find((key) => action.getOptionValueSource(key) === 'cli');
      if (given) action.setOptionValue('localRegistryFlag', LOCAL_REGISTRY_FLAGS[given]);
    });
}

/** The tracking server the options name, or undefined for the data dir. Throws a one-line Error for a bad URI or variable. */
export function trackingServerOf(opts: TrackingUriOptions, env: NodeJS.ProcessEnv = process.env): TrackingServerSettings | undefined {
  if (opts.trackingUri !== undefined) {
    if (!isHttpUri(opts.trackingUri)) throw new Error(`--tracking-uri ${redactPassword(opts.trackingUri)}: expected http(s)://host:port (a local registry is --data-dir or --backend-store-uri)`);
    if (opts.backendStoreUri !== undefined) throw new Error('--tracking-uri and --backend-store-uri both name where models come from: give one');
    return trackingServerSettings(opts.trackingUri, env);
  }
  const fromEnv = env.MLFLOW_TRACKING_URI;
  if (!fromEnv || !isHttpUri(fromEnv) || opts.localRegistryFlag !== undefined) return undefined;
  return trackingServerSettings(fromEnv, env);
}

export async function openModelStore(opts: TrackingUriOptions, logger: Logger): Promise<OpenedModelStore> {
  const server = trackingServerOf(opts);
  return server ? openRemoteModelStore(server) : openAviary(configFromOptions(opts), logger);
}
