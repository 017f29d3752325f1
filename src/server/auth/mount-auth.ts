/**
 * Puts the auth endpoints on a router and, with `--auth`, the gate in front of every route.
 * Called once all routes are mounted: the gate wraps what is there.
 */
import type { Aviary } from '../../app/open-aviary.js';
import type { AuthService } from '../../auth/auth-service.js';
import type { Router } from '../router.js';
import { AuthGate } from './auth-gate.js';
import { aviaryAuthRoutes, userPermissionRoutes, userRoutes, whoamiWithoutAuth } from './auth-routes.js';
import { routeRules } from './route-rules.js';

export const API3_PREFIXES = ['/api/3.0/mlflow', '/ajax-api/3.0/mlflow'] as const;

export function mountAuth(router: Router, aviary: Aviary, apiPrefixes: readonly string[], auth: AuthService | undefined): Router {
  if (!auth) return router.mount([''], [whoamiWithoutAuth()]);
  const gate = new AuthGate(auth, routeRules(aviary.tracking, auth, aviary.alerts), aviary.registry.events);
  return router
    .mount(apiPrefixes, userRoutes(auth, gate, aviary.tracking, aviary.registry))
    .mount(API3_PREFIXES, userPermissionRoutes(auth, aviary.tracking, aviary.registry))
    .mount([''], aviaryAuthRoutes(auth, gate))
    .wrapHandlers((method, pattern, handler) => gate.wrap(method, pattern, handler));
}
