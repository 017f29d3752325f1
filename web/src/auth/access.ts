/**
 * What the signed-in user may change, from whoami: admins everything; anyone else the explicit
 * permission on that experiment or registered model, else the server's default permission.
 * READ changes nothing, EDIT changes tags (not aliases), MANAGE everything. With authentication
 * off everyone may do everything. Only hides controls: the server is the guard, and a 403 it
 * answers is still shown.
 */
import type { Permission, WhoAmI } from '../api/auth-api.js';

export type Resource = { readonly experimentId: string } | { readonly registeredModel: string };

const RANK: Record<Permission, number> = { NO_PERMISSIONS: 0, READ: 1, EDIT: 2, MANAGE: 3 };

export function permissionOn(who: WhoAmI, resource: Resource): Permission {
  if (!who.auth || who.user.is_admin) return 'MANAGE';
  const explicit =
    'experimentId' in resource
      ? who.user.experiment_permissions.find((p) => String(p.experiment_id) === resource.experimentId)
      : who.user.registered_model_permissions.find((p) => p.name === resource.registeredModel);
  return explicit?.permission ?? who.default_permission;
}

/** Whether `who` holds at least `needed` on `resource`; an unknown permission grants nothing. */
export function may(who: WhoAmI, resource: Resource, needed: Permission): boolean {
  return (RANK[permissionOn(who, resource)] ?? 0) >= RANK[needed];
}

/** Setting, moving or deleting an alias moves what serving follows: MANAGE. */
export const mayEditAliases = (who: WhoAmI, model: string) => may(who, { registeredModel: model }, 'MANAGE');

export const mayEditModelTags = (who: WhoAmI, model: string) => may(who, { registeredModel: model }, 'EDIT');
