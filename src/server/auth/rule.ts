/**
 * A route's authorization rule: it runs after authentication, checks what the route needs,
 * and calls the handler (`next`) itself, so a rule may also change the input (a search
 * narrowed to readable experiments), call the handler page by page, or act after it (the
 * creator of an experiment gets MANAGE).
 */
import type { AuthConfig } from '../../auth/auth-config.js';
import type { ResourceType, UserRecord } from '../../auth/auth-store.js';
import { allows, type Action, type Permission } from '../../auth/permission.js';
import { MlflowError } from '../../common/mlflow-error.js';
import type { ApiRequest, HandlerResult } from '../router.js';

export interface RuleContext {
  readonly req: ApiRequest;
  readonly user: UserRecord;
  /** The handler, given the request's own input or another. */
  next(input?: unknown): Promise<HandlerResult>;
  permission(type: ResourceType, id: string): Promise<Permission>;
  /** The user's permissions all at once, for filtering many rows. */
  lookup(): Promise<(type: ResourceType, id: string) => Permission>;
  readonly config: AuthConfig;
}

export interface Rule {
  /** Answered without credentials (health, version, public alerts). */
  readonly isPublic?: (config: AuthConfig) => boolean;
  readonly run: (ctx: RuleContext) => Promise<HandlerResult>;
}

export function denied(what: string): MlflowError {
  return new MlflowError('PERMISSION_DENIED', `Permission denied: ${what}`);
}

export async function requireOn(ctx: RuleContext, type: ResourceType, id: string, action: Action): Promise<void> {
  if (allows(await ctx.permission(type, id), action)) return;
  const noun = type === 'experiment' ? `experiment ${id}` : `registered model '${id}'`;
  throw denied(`${action === 'read' ? 'READ' : action === 'update' ? 'EDIT' : 'MANAGE'} on ${noun} is required`);
}

export function requireAdmin(ctx: RuleContext): void {
  if (!ctx.user.isAdmin) throw denied('only admins may do this');
}

/** The request's parameters as an object (a body that is not one is refused as the handler would). */
export async function inputOf(ctx: RuleContext): Promise<Record<string, unknown>> {
  const input = await ctx.req.input();
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw MlflowError.invalid('The request body must be a JSON object');
  return input as Record<string, unknown>;
}

/** The first of `names` present as a non-empty string (or number); MLflow's message when none is. */
export async function fieldOf(ctx: RuleContext, ...names: string[]): Promise<string> {
  const input = await inputOf(ctx);
  for (const name of names) {
    const value = input[name];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  throw MlflowError.invalid(`Missing value for required parameter '${names[0]}'.`);
}
