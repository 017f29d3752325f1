/** The HTTP server over Aviary's services: every route mounted where MLflow serves it. */
import type { Server } from 'node:http';
import type { Aviary } from '../app/open-aviary.js';
import type { AuthService } from '../auth/auth-service.js';
import type { Logger } from '../common/logger.js';
import type { MetricsRegistry } from '../common/metrics/metrics-registry.js';
import { createHttpServer } from './http-server.js';
import { Router } from './router.js';
import { mountAuth } from './auth/mount-auth.js';
import { alertRoutes } from './routes/alert-routes.js';
import { artifactServiceRoutes, runArtifactRoutes } from './routes/artifact-routes.js';
import { experimentRoutes } from './routes/experiment-routes.js';
import { httpMetrics } from './metrics/http-metrics.js';
import { serverMetrics } from './metrics/server-metrics.js';
import { logModelRoute } from './routes/log-model-route.js';
import { loggedModelRoutes } from './routes/logged-model-routes.js';
import { loggedModelArtifactFileRoutes, loggedModelArtifactListRoutes } from './routes/logged-model-artifact-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { moduleRoutes } from './routes/module-routes.js';
import { modelVersionArtifactRoute } from './routes/model-version-artifact-route.js';
import { modelVersionRoutes } from './routes/model-version-routes.js';
import { presignedUrlRoutes } from './routes/presigned-url-routes.js';
import { registeredModelRoutes } from './routes/registered-model-routes.js';
import { runRoutes } from './routes/run-routes.js';
import { systemRoutes } from './routes/system-routes.js';
import { UI_API_PREFIX, uiTrackingRoutes } from './routes/ui-tracking-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { graphqlRoutes } from './graphql/graphql-routes.js';
import { uiHandler } from './ui/ui-handler.js';
import { createBrowserGuard, type BrowserDefenceOptions } from './security/browser-guard.js';
import { defaultWebRoot } from './ui/web-root.js';

export const API_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;
export const ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;

/** `browserDefences` defaults to the safe settings: localhost names only, same-origin pages only. */
export function createApp(
  aviary: Aviary,
  options: { version: string; webRoot?: string; browserDefences?: BrowserDefenceOptions; auth?: AuthService },
  log: Logger,
): Server {
  const metrics = serverMetrics(aviary, options.version);
  const observe = httpMetrics(metrics);
  const server = createHttpServer(createRouter(aviary, { ...options, metrics }), log, createBrowserGuard(options.browserDefences ?? {}, log), observe);
  // `/version` names the MLflow release served; every answer also names Aviary's own.
  server.prependListener('request', (_req, res) => res.setHeader('X-Aviary-Version', options.version));
  return server;
}

/** Every route, behind the auth gate when `auth` is given (`aviary server --auth`); /metrics serves `metrics` (default: the server's, without request counts). */
export function createRouter(aviary: Aviary, options: { version: string; webRoot?: string; auth?: AuthService; metrics?: MetricsRegistry }): Router {
  const { tracking, registry, artifacts } = aviary;
  const runArtifactUri = async (runId: string) => (await tracking.getRunInfo(runId)).artifact_uri;
  const router = new Router()
    .mount(API_PREFIXES, [
      ...experimentRoutes(tracking),
      ...runRoutes(tracking),
      logModelRoute(tracking),
      ...presignedUrlRoutes(tracking),
      ...loggedModelRoutes(tracking),
      ...registeredModelRoutes(registry),
      ...modelVersionRoutes(registry),
      ...webhookRoutes(aviary.webhooks),
      ...loggedModelArtifactListRoutes(tracking, artifacts),
    ])
    .mount([UI_API_PREFIX], [...uiTrackingRoutes(tracking, artifacts), ...loggedModelArtifactFileRoutes(tracking, artifacts)])
    .mount(ARTIFACT_PREFIXES, artifactServiceRoutes(artifacts))
    .mount([''], [...runArtifactRoutes(artifacts, runArtifactUri, API_PREFIXES), modelVersionArtifactRoute(registry, artifacts), ...systemRoutes(options.version), ...alertRoutes(aviary.alerts), ...moduleRoutes(aviary.alerts, registry), ...metricsRoutes(options.metrics ?? serverMetrics(aviary, options.version))])
    .fallbackForGet(uiHandler(options.webRoot ?? defaultWebRoot()));
  // GraphQL's fields call the routes above through this router, so they pass the same checks.
  router.mount([''], graphqlRoutes(router));
  return mountAuth(router, aviary, API_PREFIXES, options.auth);
}
