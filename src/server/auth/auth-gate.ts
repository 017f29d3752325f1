/**
 * Authentication and authorization in front of every route, when the server runs with
 * `--auth`. A request names its user by HTTP Basic or a bearer token; then the route's rule
 * (route-rules.ts) decides. A route without a rule is refused to all but admins, so a route
 * added later is closed until someone decides who may call it.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthService } from '../../auth/auth-service.js';
import type { UserRecord } from '../../auth/auth-store.js';
import { MlflowError } from '../../common/mlflow-error.js';
import type { RegistryEvents } from '../../registry/registry-events.js';
import type { ApiRequest, Handler, Method } from '../router.js';
import { credentialsOf } from './credentials.js';
import { denied, type Rule, type RuleContext } from './rule.js';
import { ruleKey } from './route-rules.js';

/** The web UI sends this header: it shows its own login page, so no browser dialog is asked for. */
const UI_HEADER = 'aviary-ui';

export class AuthGate {
  /** The user each request authenticated as, for the handlers of the auth routes. */
  private readonly users = new WeakMap<IncomingMessage, UserRecord>();

  constructor(
    readonly auth: AuthService,
    private readonly rules: ReadonlyMap<string, Rule>,
    private readonly events?: RegistryEvents,
  ) {}

  ruleFor(method: Method, pattern: string): Rule | undefined {
    return this.rules.get(ruleKey(method, pattern));
  }

  /** The authenticated user of a request that went through the gate. */
  userOf(req: ApiRequest): UserRecord {
    const user = this.users.get(req.raw);
    if (!user) throw new MlflowError('UNAUTHENTICATED', 'Not authenticated');
    return user;
  }

  wrap(method: Method, pattern: string, handler: Handler): Handler {
    const rule = this.ruleFor(method, pattern);
    return async (req) => {
      if (rule?.isPublic?.(this.auth.config)) return handler(req);
      // A route called in-process for a request already let in (GraphQL's fields) keeps its user.
      const user = this.users.get(req.raw) ?? (await this.authenticate(req));
      this.users.set(req.raw, user);
      const ctx: RuleContext = {
        req,
        user,
        config: this.auth.config,
        next: async (input) => {
          const call = input === undefined ? req : { ...req, input: () => Promise.resolve(input) };
          return this.events ? this.events.actingAs(user.username, () => handler(call)) : handler(call);
        },
        permission: (type, id) => this.auth.permissionOn(user, type, id),
        lookup: () => this.auth.permissionLookup(user),
      };
      if (rule) return rule.run(ctx);
      if (!user.isAdmin) throw denied(`${method} ${req.path} has no access rule; only admins may call it`);
      return ctx.next();
    };
  }

  private async authenticate(req: ApiRequest): Promise<UserRecord> {
    const credentials = credentialsOf(req.raw.headers.authorization);
    const user =
      credentials === undefined
        ? undefined
        : credentials.kind === 'basic'
          ? await this.auth.authenticatePassword(credentials.username, credentials.password)
          : await this.auth.authenticateToken(credentials.token);
    if (user) return user;
    if (req.raw.headers['x-requested-with'] !== UI_HEADER) req.res.setHeader('WWW-Authenticate', 'Basic realm="aviary"');
    throw new MlflowError(
      'UNAUTHENTICATED',
      credentials === undefined
        ? 'Authentication required: send a username and password (MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD) or a token (MLFLOW_TRACKING_TOKEN)'
        : 'Invalid username, password or token',
    );
  }
}
