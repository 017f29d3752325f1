/**
 * The composition root: opens the stores named by the configuration and builds the domain
 * services on them. The server, the CLI commands (and later the broker) all start here, so
 * every part of one process shares one database handle and one registry event stream.
 */
import { dirname, join, resolve } from 'node:path';
import type { ArtifactRepository } from '../artifacts/artifact-repository.js';
import { LocalArtifactRepository } from '../artifacts/local-artifact-repository.js';
import type { AlertStore } from '../broker/store/alert-store.js';
import { LazyAlertStore } from '../broker/store/lazy-alert-store.js';
import type { Logger } from '../common/logger.js';
import { RegistryEvents } from '../registry/registry-events.js';
import { RegistryService } from '../registry/registry-service.js';
import { webhookPolicyFromEnv, type WebhookDestinationPolicy } from '../registry/webhooks/webhook-destination-policy.js';
import type { HostResolver } from '../registry/webhooks/webhook-destination.js';
import { WebhookDispatcher } from '../registry/webhooks/webhook-dispatcher.js';
import { ENCRYPTION_KEY_VARIABLE, KEY_FILE_NAME, webhookSecretKey } from '../registry/webhooks/webhook-secret-key.js';
import { WebhookSender } from '../registry/webhooks/webhook-sender.js';
import { WebhookService } from '../registry/webhooks/webhook-service.js';
import { isPostgresUri } from '../store/sql/database-uri.js';
import { openDatabase, sqlitePathOf } from '../store/sql/open-database.js';
import { sqlRegistryStore } from '../store/sql/sql-registry-store.js';
import { sqlTrackingStore } from '../store/sql/sql-tracking-store.js';
import { WebhooksRepository } from '../store/sql/webhooks-repository.js';
import { TrackingService } from '../tracking/tracking-service.js';

export interface AviaryConfig {
  backendStoreUri: string;
  artifactsDestination: string;
  /** The broker's alert store (`sqlite:///<data dir>/alerts.db` by default), opened on first use. */
  alertStoreUri?: string;
  /**
   * Where webhooks may send. Read from MLFLOW_WEBHOOK_ALLOWED_SCHEMES and
   * MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS when absent (MLflow's defaults when those are unset).
   */
  webhookPolicy?: WebhookDestinationPolicy;
  /** How webhook host names are resolved (node:dns by default): for tests. */
  webhookResolver?: HostResolver;
  /** `aviary server --default-artifact-root`: where experiments without a location keep artifacts (TrackingOptions). */
  defaultArtifactRoot?: string;
}

export interface Aviary {
  readonly tracking: TrackingService;
  readonly registry: RegistryService;
  readonly webhooks: WebhookService;
  readonly artifacts: ArtifactRepository;
  readonly alerts: AlertStore;
  close(): Promise<void>;
}

/** The embedded defaults: everything under one data directory. */
export function configForDataDir(
  dataDir: string,
  overrides: { backendStoreUri?: string; artifactsDestination?: string; alertStoreUri?: string } = {},
): AviaryConfig {
  const dir = resolve(dataDir);
  return {
    backendStoreUri: overrides.backendStoreUri ?? `sqlite:///${dir}/aviary.db`,
    artifactsDestination: resolve(overrides.artifactsDestination ?? `${dir}/artifacts`),
    alertStoreUri: overrides.alertStoreUri ?? `sqlite:///${dir}/alerts.db`,
  };
}

export async function openAviary(config: AviaryConfig, log: Logger): Promise<Aviary> {
  const webhookPolicy = config.webhookPolicy ?? webhookPolicyFromEnv(process.env); // before anything opens: it may throw
  if (webhookPolicy.allowPrivateHosts) log.warn('webhooks: loopback, private and link-local destinations are allowed (meant for local development only)');
  const secretKey = webhookSecretKey(process.env, webhookKeyFileBeside(config.backendStoreUri));
  const database = await openDatabase(config.backendStoreUri);
  if (isPostgresUri(config.backendStoreUri) && !process.env[ENCRYPTION_KEY_VARIABLE]) {
    log.warn(
      `webhooks: ${ENCRYPTION_KEY_VARIABLE} is not set, so webhook secrets are encrypted with a key only this process knows: ` +
        'other processes sharing the database, and this one after a restart, cannot read them. Set it, the same in every process.',
    );
  }
  const tracking = new TrackingService(sqlTrackingStore(database), { defaultArtifactRoot: config.defaultArtifactRoot });
  const registry = new RegistryService(sqlRegistryStore(database), tracking, new RegistryEvents(log));
  const webhookStore = new WebhooksRepository(database.db, secretKey.cipher, database.dialect);
  await checkWebhookSecrets(webhookStore, secretKey.source, log);
  const sender = new WebhookSender({ policy: webhookPolicy, resolve: config.webhookResolver });
  const dispatcher = new WebhookDispatcher(webhookStore, sender, log).attach(registry.events);
  const alerts = new LazyAlertStore(config.alertStoreUri ?? alertStoreBeside(config.backendStoreUri));
  return {
    tracking,
    registry,
    webhooks: new WebhookService(webhookStore, sender, webhookPolicy, config.webhookResolver),
    artifacts: new LocalArtifactRepository(config.artifactsDestination),
    alerts,
    // Deliveries under way may still read the webhooks table: they finish (or are aborted) first.
    close: async () => {
      await dispatcher.close();
      await database.close();
      await alerts.close();
    },
  };
}

/** Without an alert store URI: `alerts.db` beside a SQLite tracking database, in memory beside an in-memory one. */
function alertStoreBeside(backendStoreUri: string): string {
  const sqlite = /^(sqlite:\/\/\/.*\/)[^/]+$/.exec(backendStoreUri);
  return sqlite ? `${sqlite[1]}alerts.db` : 'sqlite:///:memory:';
}

/** Without MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY, the key is kept beside a SQLite database file. */
function webhookKeyFileBeside(backendStoreUri: string): string | undefined {
  const path = sqlitePathOf(backendStoreUri);
  return path === undefined || path === ':memory:' ? undefined : join(dirname(path), KEY_FILE_NAME);
}

/** Plain-text secrets from before are encrypted now; a key that opens none of the others is said at once, not at the first event. */
async function checkWebhookSecrets(store: WebhooksRepository, keySource: string, log: Logger): Promise<void> {
  const { stored, sealed, unreadable } = await store.sealSecrets();
  if (stored > 0) log.info(`webhooks: secrets are encrypted at rest with the key from ${keySource}`);
  if (sealed > 0) log.info(`webhooks: encrypted the secrets of ${sealed} webhook(s) stored before encryption at rest`);
  if (unreadable.length > 0) {
    log.error(
      `webhooks: the key from ${keySource} cannot decrypt the secrets of ${unreadable.length} webhook(s) ` +
        `(${unreadable.map((w) => `${w.name} ${w.webhookId}`).join(', ')}): they were stored under another key; ` +
        'set the key they were written with, or give those webhooks a new secret. Until then they send nothing.',
    );
  }
}
