/**
 * MLflow basic-auth's user and permission endpoints (relative to /api/2.0/mlflow, and the
 * 3.0 grant endpoints its 3.x client calls), and Aviary's own: whoami and personal API
 * tokens. Who may call each is decided by the gate's rules; these handlers only act.
 */
import type { AuthService } from '../../auth/auth-service.js';
import type { ResourceType, UserRecord } from '../../auth/auth-store.js';
import { allows, parsePermission } from '../../auth/permission.js';
import { MlflowError } from '../../common/mlflow-error.js';
import type { RegistryService } from '../../registry/registry-service.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { ApiRequest, Route } from '../router.js';
import { bool, int64, parseMessage, string } from '../schema.js';
import type { AuthGate } from './auth-gate.js';

const userJson = (u: UserRecord) => ({ id: u.id, username: u.username, is_admin: u.isAdmin });

/** A password is never echoed back, not even in the error for a mistyped one. */
async function passwordOf(r: ApiRequest, key: string, required: boolean): Promise<string | undefined> {
  const value = ((await r.input()) as Record<string, unknown> | null)?.[key];
  if (value === undefined || value === null) {
    if (required) throw MlflowError.invalid(`Missing value for required parameter '${key}'.`);
    return undefined;
  }
  if (typeof value !== 'string') throw MlflowError.invalid(`Parameter '${key}' must be a string`);
  return value;
}

export function userRoutes(auth: AuthService, gate: AuthGate, tracking: TrackingService, registry: RegistryService): Route[] {
  const byUser = { username: string().req() };
  const userNamed = (username: string) => auth.getUser(username);
  const experimentGrant = { experiment_id: string().req(), username: string().req() };
  const modelGrant = { name: string().req(), username: string().req() };
  const crud = (
    base: string,
    shape: Record<string, ReturnType<ReturnType<typeof string>["req"]>>,
    type: ResourceType,
    idOf: (req: Record<string, string>) => string,
    exists: (id: string) => Promise<unknown>,
    json: (id: string, user: UserRecord, permission: string) => object,
  ): Route[] => [
    {
      method: 'POST',
      pattern: `${base}/create`,
      handler: async (r) => {
        const req = parseMessage({ ...shape, permission: string().req() }, await r.input()) as Record<string, string>;
        const permission = parsePermission(req.permission);
        const user = await userNamed(req.username!);
        await exists(idOf(req));
        await auth.store.setGrant(user.id, type, idOf(req), permission, 'create');
        return json(idOf(req), user, permission);
      },
    },
    {
      method: 'GET',
      pattern: `${base}/get`,
      handler: async (r) => {
        const req = parseMessage(shape, await r.input()) as Record<string, string>;
        const user = await userNamed(req.username!);
        const permission = await auth.store.grant(user.id, type, idOf(req));
        if (permission === undefined) throw MlflowError.notFound(`No ${type.replace('_', ' ')} permission for user '${user.username}' on '${idOf(req)}'`);
        return json(idOf(req), user, permission);
      },
    },
    {
      method: 'PATCH',
      pattern: `${base}/update`,
      handler: async (r) => {
        const req = parseMessage({ ...shape, permission: string().req() }, await r.input()) as Record<string, string>;
        const permission = parsePermission(req.permission);
        await auth.store.setGrant((await userNamed(req.username!)).id, type, idOf(req), permission, 'update');
        return {};
      },
    },
    {
      method: 'DELETE',
      pattern: `${base}/delete`,
      handler: async (r) => {
        const req = parseMessage(shape, await r.input()) as Record<string, string>;
        const user = await userNamed(req.username!);
        if (!(await auth.store.deleteGrant(user.id, type, idOf(req)))) throw MlflowError.notFound(`No ${type.replace('_', ' ')} permission for user '${user.username}' on '${idOf(req)}'`);
        return {};
      },
    },
  ];
  return [
    {
      method: 'POST',
      pattern: '/users/create',
      handler: async (r) => {
        const req = parseMessage({ username: string() }, await r.input());
        const password = (await passwordOf(r, 'password', false)) ?? '';
        return { user: userJson(await auth.createUser(req.username ?? '', password)) };
      },
    },
    { method: 'GET', pattern: '/users/get', handler: async (r) => ({ user: userJson(await userNamed(parseMessage(byUser, await r.input()).username)) }) },
    { method: 'GET', pattern: '/users/current', handler: (r) => ({ user: userJson(gate.userOf(r)), is_basic_auth: true }) },
    {
      method: 'PATCH',
      pattern: '/users/update-password',
      handler: async (r) => {
        const { username } = parseMessage(byUser, await r.input());
        const password = (await passwordOf(r, 'password', true))!;
        await auth.updatePassword(gate.userOf(r), username, password, await passwordOf(r, 'current_password', false));
        return {};
      },
    },
    {
      method: 'PATCH',
      pattern: '/users/update-admin',
      handler: async (r) => {
        const req = parseMessage({ ...byUser, is_admin: bool().req() }, await r.input());
        await auth.updateAdmin(req.username, req.is_admin);
        return {};
      },
    },
    {
      method: 'DELETE',
      pattern: '/users/delete',
      handler: async (r) => {
        await auth.deleteUser(gate.userOf(r), parseMessage(byUser, await r.input()).username);
        return {};
      },
    },
    ...crud('/experiments/permissions', experimentGrant, 'experiment', (q) => q.experiment_id!, (id) => tracking.getExperiment(id), (id, u, p) => ({
      experiment_permission: { experiment_id: id, user_id: u.id, permission: p },
    })),
    ...crud('/registered-models/permissions', modelGrant, 'registered_model', (q) => q.name!, (name) => registry.getRegisteredModel(name), (name, u, p) => ({
      registered_model_permission: { name, user_id: u.id, permission: p },
    })),
  ];
}

/** MLflow 3's per-user grant endpoints (relative to /api/3.0/mlflow), as `AuthServiceClient` calls them. */
export function userPermissionRoutes(auth: AuthService, tracking: TrackingService, registry: RegistryService): Route[] {
  const ref = { username: string().req(), resource_type: string().req(), resource_id: string().req() };
  const typeOf = (t: string): ResourceType => {
    if (t === 'experiment' || t === 'registered_model') return t;
    throw MlflowError.invalid(`Unsupported resource_type '${t}': expected experiment or registered_model`);
  };
  const exists = (type: ResourceType, id: string) => (type === 'experiment' ? tracking.getExperiment(id) : registry.getRegisteredModel(id));
  return [
    {
      method: 'POST',
      pattern: '/users/permissions/grant',
      handler: async (r) => {
        const req = parseMessage({ ...ref, permission: string().req() }, await r.input());
        const type = typeOf(req.resource_type);
        const permission = parsePermission(req.permission);
        const user = await auth.getUser(req.username);
        await exists(type, req.resource_id);
        await auth.store.setGrant(user.id, type, req.resource_id, permission, 'upsert');
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/users/permissions/revoke',
      handler: async (r) => {
        const req = parseMessage(ref, await r.input());
        const type = typeOf(req.resource_type);
        const user = await auth.getUser(req.username);
        if (!(await auth.store.deleteGrant(user.id, type, req.resource_id))) throw MlflowError.notFound(`User '${user.username}' has no grant on ${type} '${req.resource_id}'`);
        return {};
      },
    },
    {
      method: 'GET',
      pattern: '/users/permissions/get',
      handler: async (r) => {
        const req = parseMessage(ref, await r.input());
        const permission = await auth.permissionOn(await auth.getUser(req.username), typeOf(req.resource_type), req.resource_id);
        // MLflow's `allowed` is its USE tier: more than reading.
        return { allowed: allows(permission, 'update'), permission };
      },
    },
  ];
}

/** Aviary's own: who the caller is (the web UI's login and what it shows), and the caller's API tokens. */
export function aviaryAuthRoutes(auth: AuthService, gate: AuthGate): Route[] {
  const tokenJson = (t: { id: string; name: string; createdAt: number; expiresAt: number | null }) => ({
    id: t.id,
    name: t.name,
    created_at: t.createdAt,
    ...(t.expiresAt !== null && { expires_at: t.expiresAt }),
  });
  return [
    {
      method: 'GET',
      pattern: '/api/aviary/auth/whoami',
      handler: async (r) => {
        const user = gate.userOf(r);
        const grants = await auth.grants(user);
        return {
          auth: true,
          user: {
            username: user.username,
            is_admin: user.isAdmin,
            experiment_permissions: grants.filter((g) => g.resourceType === 'experiment').map((g) => ({ experiment_id: g.resourceId, permission: g.permission })),
            registered_model_permissions: grants.filter((g) => g.resourceType === 'registered_model').map((g) => ({ name: g.resourceId, permission: g.permission })),
          },
          default_permission: auth.config.defaultPermission,
          public_alerts: auth.config.publicAlerts,
        };
      },
    },
    { method: 'GET', pattern: '/api/aviary/auth/tokens', handler: async (r) => ({ tokens: (await auth.tokens(gate.userOf(r))).map(tokenJson) }) },
    {
      method: 'POST',
      pattern: '/api/aviary/auth/tokens',
      handler: async (r) => {
        const req = parseMessage({ name: string().req(), expires_in_days: int64() }, await r.input());
        const { token, secret } = await auth.createToken(gate.userOf(r), req.name, req.expires_in_days);
        return { token: tokenJson(token), secret };
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/aviary/auth/tokens/:tokenId',
      handler: async (r) => {
        await auth.revokeToken(gate.userOf(r), r.params.tokenId ?? '');
        return {};
      },
    },
  ];
}

/** Without `--auth`: the UI learns there is nothing to log in to. */
export function whoamiWithoutAuth(): Route {
  return { method: 'GET', pattern: '/api/aviary/auth/whoami', handler: () => ({ auth: false }) };
}
