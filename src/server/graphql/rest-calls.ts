/**
 * GraphQL's fields answered by MLflow's REST endpoints, called in-process through the router:
 * the same parsing, validation, errors and (with `--auth`) the same permission rules as a
 * REST request, made as the user of the GraphQL request. Calls are remembered for the
 * request's length, so a search's runs that share an experiment fetch it once, and bounded:
 * each run of a search may ask for its model versions, so one small query could otherwise make
 * a database query per run of thousands.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import { RESPONDED, UI_FALLBACK, type ApiRequest, type Method, type Router } from '../router.js';

export type RestCall = (method: Method, path: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

export const MAX_CALLS_PER_QUERY = 1000;

export function restCalls(router: Router, request: ApiRequest, maxCalls = MAX_CALLS_PER_QUERY): RestCall {
  const made = new Map<string, Promise<Record<string, unknown>>>();
  return (method, path, input) => {
    const key = `${method} ${path} ${JSON.stringify(input)}`;
    let call = made.get(key);
    if (!call) {
      if (made.size >= maxCalls) throw new TooManyLookups(maxCalls);
      call = callRoute(router, request, method, path, input);
      made.set(key, call);
    }
    return call;
  };
}

/** A query past the bound: the whole answer is this one error, not one per field left. */
export class TooManyLookups extends MlflowError {
  constructor(maxCalls: number) {
    super(
      'INVALID_PARAMETER_VALUE',
      `This query needs more than ${maxCalls} lookups: ask for fewer runs (maxResults), or leave out experiment and modelVersions for a long list`,
    );
  }
}

async function callRoute(router: Router, request: ApiRequest, method: Method, path: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const match = router.match(method, path);
  if (match === undefined || match === 'method-not-allowed' || match.pattern === UI_FALLBACK) {
    throw new MlflowError('ENDPOINT_NOT_FOUND', `${method} ${path} is not served, so this field cannot be answered`);
  }
  const result = await match.handler({
    method,
    path,
    params: match.params,
    query: method === 'GET' ? queryOf(input) : new URLSearchParams(),
    input: () => Promise.resolve(input),
    raw: request.raw,
    res: request.res,
  });
  if (result === RESPONDED) throw new MlflowError('INTERNAL_ERROR', `${method} ${path} wrote its own answer, which GraphQL cannot read`);
  return result as Record<string, unknown>;
}

/** A GET route may read its query string directly: it gets the input there too. */
function queryOf(input: Record<string, unknown>): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== null) query.append(key, String(item));
  }
  return query;
}
