/**
 * The composition root of the server: opens the stores, builds the services and mounts every
 * route. Nothing else in the code base creates a store or knows where the data lives.
 */
import type { Server } from 'node:http';
import type { Logger } from '../common/logger.js';
import { LocalArtifactRepository } from '../artifacts/local-artifact-repository.js';
import { openDatabase } from '../store/sql/open-database.js';
import { sqlTrackingStore } from '../store/sql/sql-tracking-store.js';
import { TrackingService } from '../tracking/tracking-service.js';
import { createHttpServer } from './http-server.js';
import { Router } from './router.js';
import { artifactServiceRoutes, runArtifactRoutes } from './routes/artifact-routes.js';
import { experimentRoutes } from './routes/experiment-routes.js';
import { loggedModelRoutes } from './routes/logged-model-routes.js';
import { runRoutes } from './routes/run-routes.js';
import { systemRoutes } from './routes/system-routes.js';

export interface AppConfig {
  backendStoreUri: string;
  artifactsDestination: string;
  version: string;
}

export interface App {
  readonly server: Server;
  readonly tracking: TrackingService;
  close(): Promise<void>;
}

export const API_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;
export const ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;

export async function createApp(config: AppConfig, log: Logger): Promise<App> {
  const database = await openDatabase(config.backendStoreUri);
  const tracking = new TrackingService(sqlTrackingStore(database));
  const artifacts = new LocalArtifactRepository(config.artifactsDestination);

  const runArtifactUri = async (runId: string) => (await tracking.getRun(runId)).info.artifact_uri;
  const router = new Router()
    .mount(API_PREFIXES, [
      ...experimentRoutes(tracking),
      ...runRoutes(tracking),
      ...loggedModelRoutes(tracking),
    ])
    .mount(ARTIFACT_PREFIXES, artifactServiceRoutes(artifacts))
    .mount([''], [...runArtifactRoutes(artifacts, runArtifactUri, API_PREFIXES), ...systemRoutes(config.version)]);

  const server = createHttpServer(router, log);
  return {
    server,
    tracking,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
