/**
 * MLflow's basic-auth permission levels. READ reads; EDIT also updates (log to runs, set tags,
 * create versions); MANAGE also deletes and grants; NO_PERMISSIONS hides the resource.
 */
import { MlflowError } from '../common/mlflow-error.js';

export const PERMISSIONS = ['NO_PERMISSIONS', 'READ', 'EDIT', 'MANAGE'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a route needs, named as MLflow's validators name it (can_read, can_update, can_delete, can_manage). */
export type Action = 'read' | 'update' | 'delete' | 'manage';

const NEEDED: Record<Action, number> = { read: 1, update: 2, delete: 3, manage: 3 };

export function allows(permission: Permission, action: Action): boolean {
  return PERMISSIONS.indexOf(permission) >= NEEDED[action];
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

/** MLflow's message for an unknown level, as a 400. */
export function parsePermission(value: unknown): Permission {
  if (isPermission(value)) return value;
  throw MlflowError.invalid(`Invalid permission '${String(value)}'. Valid permissions are: ${PERMISSIONS.join(', ')}`);
}
