/**
 * The `route` label of request metrics: a route's area (`mlflow/runs`, `aviary/alerts`,
 * `health`), never the raw path, so that the series stay few however many paths are asked for.
 * Both of MLflow's prefixes (and its 3.0 API) count as one area.
 */
import { UI_FALLBACK } from '../router.js';
import { API_PATHS } from '../ui/ui-handler.js';

/** A request answered before routing (a refused Host or Origin, a CORS preflight) or matching no route. */
export const UNROUTED = { refused: 'refused', preflight: 'preflight', unmatched: 'unmatched' } as const;

const NAMESPACES: readonly (readonly [string, string])[] = [
  ['/api/2.0/mlflow-artifacts/', 'mlflow-artifacts'],
  ['/ajax-api/2.0/mlflow-artifacts/', 'mlflow-artifacts'],
  ['/api/2.0/mlflow/', 'mlflow'],
  ['/ajax-api/2.0/mlflow/', 'mlflow'],
  ['/api/3.0/mlflow/', 'mlflow'],
  ['/ajax-api/3.0/mlflow/', 'mlflow'],
  ['/api/aviary/', 'aviary'],
];

/** The area of a matched route's pattern; `path` tells an unknown API path (which the UI fallback refuses) from a page. */
export function routeGroup(pattern: string, path: string): string {
  if (pattern === UI_FALLBACK) return API_PATHS.test(path) ? UNROUTED.unmatched : 'ui';
  for (const [prefix, namespace] of NAMESPACES) {
    if (pattern.startsWith(prefix)) return `${namespace}/${pattern.slice(prefix.length).split('/')[0]}`;
  }
  return pattern.split('/')[1] ?? pattern;
}
