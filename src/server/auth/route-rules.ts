/**
 * Every route's authorization rule, in one table, with MLflow basic-auth's rules
 * (mlflow/server/auth: BEFORE_REQUEST_HANDLERS): READ to read, EDIT to update, MANAGE to
 * delete and to grant. Runs, metrics, artifacts and logged models are judged by their
 * experiment; model versions and aliases by their registered model. A route missing here is
 * refused to everyone but admins (see AuthGate).
 */
import { allows, type Action } from '../../auth/permission.js';
import { safeArtifactPath, safeArtifactPathFromUrl } from '../../artifacts/safe-artifact-path.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { AuthService } from '../../auth/auth-service.js';
import { comparedModuleFromRuns } from '../../broker/comparison/compared-module.js';
import type { AlertStore } from '../../broker/store/alert-store.js';
import { filteredSearch } from './filtered-search.js';
import { denied, fieldOf, inputOf, requireAdmin, requireOn, type Rule, type RuleContext } from './rule.js';

type ExperimentOf = (ctx: RuleContext) => Promise<string | undefined>;

const PUBLIC: Rule = { isPublic: () => true, run: (ctx) => ctx.next() };
const AUTHENTICATED: Rule = { run: (ctx) => ctx.next() };
const ADMIN: Rule = { run: (ctx) => (requireAdmin(ctx), ctx.next()) };
/** The broker's data is not per experiment: the default permission decides. */
function requireAlertReader(ctx: RuleContext): void {
  if (!ctx.user.isAdmin && !allows(ctx.config.defaultPermission, 'read')) requireAdmin(ctx);
}
const readableByDefault: Rule['run'] = (ctx) => (requireAlertReader(ctx), ctx.next());
const ALERTS: Rule = { isPublic: (config) => config.publicAlerts, run: readableByDefault };
/**
 * Metrics show the broker runs (configs, modules, filters) and the server's traffic: for those
 * who may read alerts, and never without credentials, even with public alerts (a scraper sends
 * basic auth or a bearer token).
 */
const METRICS: Rule = { run: readableByDefault };

function onExperiment(action: Action, experimentOf: ExperimentOf): Rule {
  return {
    run: async (ctx) => {
      const id = await experimentOf(ctx);
      if (id === undefined) {
        // No experiment named (an artifact path outside `<experiment id>/...`): MLflow applies the default permission.
        if (!ctx.user.isAdmin && !allows(ctx.config.defaultPermission, action)) throw denied('this artifact path names no experiment, and the default permission does not allow this');
      } else {
        await requireOn(ctx, 'experiment', id, action);
      }
      return ctx.next();
    },
  };
}

function onModel(action: Action): Rule {
  return { run: async (ctx) => (await requireOn(ctx, 'registered_model', await fieldOf(ctx, 'name'), action), ctx.next()) };
}

/** The first segment of a proxied artifact path (`<experiment id>/<run id>/artifacts/...`), when it is an id. */
function experimentOfPath(path: string): string | undefined {
  const first = path.split('/')[0] ?? '';
  return /^\d+$/.test(first) ? first : undefined;
}

/** Promoting a module's shadow moves an alias of its registered model: MANAGE on that model, as setting the alias needs. */
function onModuleModel(alerts: AlertStore): Rule {
  return {
    run: async (ctx) => {
      requireAlertReader(ctx);
      const module = await comparedModuleFromRuns(alerts, ctx.req.params.module ?? '');
      await requireOn(ctx, 'registered_model', module.modelName, 'manage');
      return ctx.next();
    },
  };
}

export function routeRules(tracking: TrackingService, auth: AuthService, alerts: AlertStore): Map<string, Rule> {
  const fromInput: ExperimentOf = (ctx) => fieldOf(ctx, 'experiment_id');
  const fromRun: ExperimentOf = async (ctx) => (await tracking.getRunInfo(await fieldOf(ctx, 'run_id', 'run_uuid'))).experiment_id;
  const fromName: ExperimentOf = async (ctx) => (await tracking.getExperimentByName(await fieldOf(ctx, 'experiment_name'))).experiment_id;
  const fromLoggedModel: ExperimentOf = async (ctx) => (await tracking.getLoggedModel(ctx.req.params.model_id ?? '')).info.experiment_id;
  const fromUrlPath: ExperimentOf = async (ctx) => experimentOfPath(safeArtifactPathFromUrl(ctx.req.params.path ?? ''));
  const fromQueryPath: ExperimentOf = async (ctx) => experimentOfPath(safeArtifactPath(ctx.req.query.get('path') ?? ''));

  /** Runs and logged models searched only in the experiments the user may read. */
  const withinReadableExperiments = (listKey: string, defaultMax: number): Rule => ({
    run: async (ctx) => {
      const input = await inputOf(ctx);
      const ids = Array.isArray(input.experiment_ids) ? input.experiment_ids.map(String) : typeof input.experiment_ids === 'string' ? [input.experiment_ids] : [];
      if (ids.length === 0) {
        return filteredSearch(ctx, listKey, defaultMax, (row, can) => allows(can('experiment', String((row.info as { experiment_id?: unknown })?.experiment_id)), 'read'));
      }
      const can = await ctx.lookup();
      const readable = ids.filter((id) => allows(can('experiment', id), 'read'));
      return readable.length === 0 ? {} : ctx.next({ ...input, experiment_ids: readable });
    },
  });

  const rules: [string, Rule][] = [
    // System: what MLflow leaves public.
    ['GET /health', PUBLIC],
    ['GET /version', PUBLIC],
    ['GET /api/aviary/version', PUBLIC],
    ['GET mlflow3:/server-info', PUBLIC],
    ['GET /metrics', METRICS],
    // GraphQL's fields call REST's routes, each through its own rule below (MLflow's GraphQL middleware checks the same permissions).
    ['GET /graphql', AUTHENTICATED],
    ['POST /graphql', AUTHENTICATED],

    // Experiments
    ['POST mlflow:/experiments/create', {
      run: async (ctx) => {
        const result = (await ctx.next()) as { experiment_id?: string };
        if (result.experiment_id !== undefined) await auth.store.setGrant(ctx.user.id, 'experiment', String(result.experiment_id), 'MANAGE', 'upsert');
        return result;
      },
    }],
    ['GET mlflow:/experiments/get', onExperiment('read', fromInput)],
    ['GET mlflow:/experiments/get-by-name', onExperiment('read', fromName)],
    ['POST mlflow:/experiments/search', { run: (ctx) => filteredSearch(ctx, 'experiments', 1000, (row, can) => allows(can('experiment', String(row.experiment_id)), 'read')) }],
    ['GET mlflow:/experiments/search', { run: (ctx) => filteredSearch(ctx, 'experiments', 1000, (row, can) => allows(can('experiment', String(row.experiment_id)), 'read')) }],
    ['POST mlflow:/experiments/update', onExperiment('update', fromInput)],
    ['POST mlflow:/experiments/delete', onExperiment('delete', fromInput)],
    ['POST mlflow:/experiments/restore', onExperiment('delete', fromInput)],
    ['POST mlflow:/experiments/set-experiment-tag', onExperiment('update', fromInput)],
    ['POST mlflow:/experiments/delete-experiment-tag', onExperiment('update', fromInput)],

    // Runs and their data, by the run's experiment
    ['POST mlflow:/runs/create', onExperiment('update', fromInput)],
    ['GET mlflow:/runs/get', onExperiment('read', fromRun)],
    ['POST mlflow:/runs/update', onExperiment('update', fromRun)],
    ['POST mlflow:/runs/delete', onExperiment('delete', fromRun)],
    ['POST mlflow:/runs/restore', onExperiment('delete', fromRun)],
    ['POST mlflow:/runs/log-metric', onExperiment('update', fromRun)],
    ['POST mlflow:/runs/log-parameter', onExperiment('update', fromRun)],
    ['POST mlflow:/runs/set-tag', onExperiment('update', fromRun)],
    ['POST mlflow:/runs/delete-tag', onExperiment('update', fromRun)],
    ['POST mlflow:/runs/log-batch', onExperiment('update', fromRun)],
    ['POST mlflow:/runs/log-inputs', onExperiment('update', fromRun)],
    ['POST mlflow:/runs/log-model', onExperiment('update', fromRun)],
    ['POST mlflow:/runs/outputs', onExperiment('update', fromRun)],
    ['POST mlflow:/runs/search', withinReadableExperiments('runs', 1000)],
    ['GET mlflow:/metrics/get-history', onExperiment('read', fromRun)],
    ['GET mlflow:/metrics/get-history-bulk-interval', {
      run: async (ctx) => {
        const input = await inputOf(ctx);
        const ids = Array.isArray(input.run_ids) ? input.run_ids.map(String) : typeof input.run_ids === 'string' ? [input.run_ids] : [];
        for (const id of new Set(ids)) await requireOn(ctx, 'experiment', (await tracking.getRunInfo(id)).experiment_id, 'read');
        return ctx.next();
      },
    }],

    ['GET mlflow:/metrics/get-history-bulk', {
      run: async (ctx) => {
        for (const id of new Set(ctx.req.query.getAll('run_id'))) await requireOn(ctx, 'experiment', (await tracking.getRunInfo(id)).experiment_id, 'read');
        return ctx.next();
      },
    }],
    ['POST mlflow:/experiments/search-datasets', {
      run: async (ctx) => {
        const input = await inputOf(ctx);
        const ids = Array.isArray(input.experiment_ids) ? input.experiment_ids.map(String) : [];
        for (const id of new Set(ids)) await requireOn(ctx, 'experiment', id, 'read');
        return ctx.next();
      },
    }],
    ['POST mlflow:/upload-artifact', onExperiment('update', async (ctx) => (await tracking.getRunInfo(ctx.req.query.get('run_uuid') ?? '')).experiment_id)],

    // Logged models, by their experiment
    ['POST mlflow:/logged-models', onExperiment('update', fromInput)],
    ['POST mlflow:/logged-models/search', withinReadableExperiments('models', 50)],
    ['GET mlflow:/logged-models/:model_id', onExperiment('read', fromLoggedModel)],
    ['PATCH mlflow:/logged-models/:model_id', onExperiment('update', fromLoggedModel)],
    ['DELETE mlflow:/logged-models/:model_id', onExperiment('delete', fromLoggedModel)],
    ['PATCH mlflow:/logged-models/:model_id/tags', onExperiment('update', fromLoggedModel)],
    ['DELETE mlflow:/logged-models/:model_id/tags/:tag_key', onExperiment('update', fromLoggedModel)],
    ['POST mlflow:/logged-models/:model_id/params', onExperiment('update', fromLoggedModel)],
    ['GET mlflow:/logged-models/:model_id/artifacts/directories', onExperiment('read', fromLoggedModel)],
    ['GET mlflow:/logged-models/:model_id/artifacts/files', onExperiment('read', fromLoggedModel)],

    // Artifacts: proxied paths by their first segment, run endpoints by the run
    ['GET artifacts:/artifacts', onExperiment('read', fromQueryPath)],
    ['GET artifacts:/artifacts/*path', onExperiment('read', fromUrlPath)],
    ['PUT artifacts:/artifacts/*path', onExperiment('update', fromUrlPath)],
    ['DELETE artifacts:/artifacts/*path', onExperiment('delete', fromUrlPath)],
    ['POST artifacts:/mpu/create/*path', onExperiment('update', fromUrlPath)],
    ['POST artifacts:/mpu/complete/*path', onExperiment('update', fromUrlPath)],
    ['POST artifacts:/mpu/abort/*path', onExperiment('update', fromUrlPath)],
    ['GET artifacts:/presigned/*path', onExperiment('read', fromUrlPath)],
    ['GET mlflow:/artifacts/list', onExperiment('read', fromRun)],
    ['POST mlflow:/artifacts/presigned-download-url', onExperiment('read', fromRun)],
    ['POST mlflow:/artifacts/presigned-upload-url', onExperiment('update', async (ctx) => {
      const input = await inputOf(ctx);
      return typeof input.model_id === 'string' && input.model_id !== '' && !input.run_id
        ? (await tracking.getLoggedModel(input.model_id)).info.experiment_id
        : fromRun(ctx);
    })],
    ['GET /get-artifact', onExperiment('read', fromRun)],
    ['GET /model-versions/get-artifact', onModel('read')],

    // Registered models
    ['POST mlflow:/registered-models/create', {
      run: async (ctx) => {
        const result = (await ctx.next()) as { registered_model?: { name?: string } };
        const name = result.registered_model?.name;
        if (name !== undefined) await auth.store.setGrant(ctx.user.id, 'registered_model', name, 'MANAGE', 'upsert');
        return result;
      },
    }],
    ['GET mlflow:/registered-models/get', onModel('read')],
    ['POST mlflow:/registered-models/rename', {
      run: async (ctx) => {
        const name = await fieldOf(ctx, 'name');
        await requireOn(ctx, 'registered_model', name, 'update');
        const result = await ctx.next();
        const newName = (await inputOf(ctx)).new_name;
        if (typeof newName === 'string' && newName !== '' && newName !== name) await auth.store.renameResource('registered_model', name, newName);
        return result;
      },
    }],
    ['PATCH mlflow:/registered-models/update', onModel('update')],
    ['DELETE mlflow:/registered-models/delete', {
      run: async (ctx) => {
        const name = await fieldOf(ctx, 'name');
        await requireOn(ctx, 'registered_model', name, 'delete');
        const result = await ctx.next();
        // Names are reused: a new model of this name must not inherit the old one's grants.
        await auth.store.deleteGrantsOn('registered_model', name);
        return result;
      },
    }],
    ['GET mlflow:/registered-models/search', { run: (ctx) => filteredSearch(ctx, 'registered_models', 100, (row, can) => allows(can('registered_model', String(row.name)), 'read')) }],
    ['POST mlflow:/registered-models/search', { run: (ctx) => filteredSearch(ctx, 'registered_models', 100, (row, can) => allows(can('registered_model', String(row.name)), 'read')) }],
    ['POST mlflow:/registered-models/get-latest-versions', onModel('read')],
    ['GET mlflow:/registered-models/get-latest-versions', onModel('read')],
    ['POST mlflow:/registered-models/set-tag', onModel('update')],
    ['DELETE mlflow:/registered-models/delete-tag', onModel('update')],
    // Aviary is stricter than MLflow here (EDIT sets an alias there): an alias decides what the broker scores with.
    ['POST mlflow:/registered-models/alias', onModel('manage')],
    ['DELETE mlflow:/registered-models/alias', onModel('manage')],
    ['GET mlflow:/registered-models/alias', onModel('read')],

    // Model versions, by their registered model
    ['POST mlflow:/model-versions/create', {
      run: async (ctx) => {
        await requireOn(ctx, 'registered_model', await fieldOf(ctx, 'name'), 'update');
        const input = await inputOf(ctx);
        // A version made from a run exposes that run's files: the run must be readable too.
        if (typeof input.run_id === 'string' && input.run_id !== '') await requireOn(ctx, 'experiment', (await tracking.getRunInfo(input.run_id)).experiment_id, 'read');
        return ctx.next();
      },
    }],
    ['GET mlflow:/model-versions/get', onModel('read')],
    ['PATCH mlflow:/model-versions/update', onModel('update')],
    ['DELETE mlflow:/model-versions/delete', onModel('delete')],
    ['POST mlflow:/model-versions/transition-stage', onModel('update')],
    ['GET mlflow:/model-versions/search', { run: (ctx) => filteredSearch(ctx, 'model_versions', 10_000, (row, can) => allows(can('registered_model', String(row.name)), 'read')) }],
    ['GET mlflow:/model-versions/get-download-uri', onModel('read')],
    ['POST mlflow:/model-versions/set-tag', onModel('update')],
    ['DELETE mlflow:/model-versions/delete-tag', onModel('delete')],

    // Webhooks see every registry change and call out of the server: admins only, as in MLflow.
    ['POST mlflow:/webhooks', ADMIN],
    ['GET mlflow:/webhooks', ADMIN],
    ['GET mlflow:/webhooks/:webhook_id', ADMIN],
    ['PATCH mlflow:/webhooks/:webhook_id', ADMIN],
    ['DELETE mlflow:/webhooks/:webhook_id', ADMIN],
    ['POST mlflow:/webhooks/:webhook_id/test', ADMIN],

    // The broker's alerts
    ['GET /api/aviary/alerts/search', ALERTS],
    ['GET /api/aviary/alerts/:alertId', ALERTS],
    ['GET /api/aviary/alerts/:alertId/cutouts/:kind', ALERTS],
    ['GET /api/aviary/objects/:objectId', ALERTS],
    ['GET /api/aviary/broker/runs', ALERTS],
    ['GET /api/aviary/dead-letters', ALERTS],
    ['GET /api/aviary/broker/score-histograms', ALERTS],
    ['GET /api/aviary/modules/:module/comparison', ALERTS],
    ['POST /api/aviary/modules/:module/promote', onModuleModel(alerts)],

    // Users and grants (the handlers check the rest: a user's own record, MANAGE on the resource)
    ['POST mlflow:/users/create', ADMIN],
    ['GET mlflow:/users/get', selfOrAdmin()],
    ['GET mlflow:/users/current', AUTHENTICATED],
    ['PATCH mlflow:/users/update-password', selfOrAdmin()],
    ['PATCH mlflow:/users/update-admin', ADMIN],
    ['DELETE mlflow:/users/delete', ADMIN],
    ...([['POST', 'create'], ['GET', 'get'], ['PATCH', 'update'], ['DELETE', 'delete']] as const).flatMap(([method, op]): [string, Rule][] => [
      [`${method} mlflow:/experiments/permissions/${op}`, { run: async (ctx) => (await requireOn(ctx, 'experiment', await fieldOf(ctx, 'experiment_id'), 'manage'), ctx.next()) }],
      [`${method} mlflow:/registered-models/permissions/${op}`, onModel('manage')],
    ]),
    ['POST mlflow3:/users/permissions/grant', onGrantedResource()],
    ['POST mlflow3:/users/permissions/revoke', onGrantedResource()],
    ['GET mlflow3:/users/permissions/get', selfOrAdmin()],

    // Aviary's own: who am I, my tokens
    ['GET /api/aviary/auth/whoami', AUTHENTICATED],
    ['GET /api/aviary/auth/tokens', AUTHENTICATED],
    ['POST /api/aviary/auth/tokens', AUTHENTICATED],
    ['DELETE /api/aviary/auth/tokens/:tokenId', AUTHENTICATED],
  ];
  return new Map(rules);
}

/** MLflow's username_is_sender: a user's own record, or an admin. */
function selfOrAdmin(): Rule {
  return {
    run: async (ctx) => {
      if (!ctx.user.isAdmin && (await fieldOf(ctx, 'username')) !== ctx.user.username) requireAdmin(ctx);
      return ctx.next();
    },
  };
}

/** MLflow's validate_can_manage_resource: MANAGE on the resource a grant is about. */
function onGrantedResource(): Rule {
  return {
    run: async (ctx) => {
      const type = await fieldOf(ctx, 'resource_type');
      const id = await fieldOf(ctx, 'resource_id');
      if (type === 'experiment' || type === 'registered_model') await requireOn(ctx, type, id, 'manage');
      else requireAdmin(ctx); // the handler refuses other types; only an admin learns that
      return ctx.next();
    },
  };
}

const NAMESPACES: [string, string][] = [
  ['/api/2.0/mlflow-artifacts', 'artifacts:'],
  ['/ajax-api/2.0/mlflow-artifacts', 'artifacts:'],
  ['/api/2.0/mlflow', 'mlflow:'],
  ['/ajax-api/2.0/mlflow', 'mlflow:'],
  ['/api/3.0/mlflow', 'mlflow3:'],
  ['/ajax-api/3.0/mlflow', 'mlflow3:'],
];

/** The table's key of a mounted route: `METHOD namespace:pattern`, one key for both of MLflow's prefixes. */
export function ruleKey(method: string, pattern: string): string {
  for (const [prefix, ns] of NAMESPACES) if (pattern.startsWith(prefix + '/')) return `${method} ${ns}${pattern.slice(prefix.length)}`;
  return `${method} ${pattern}`;
}
