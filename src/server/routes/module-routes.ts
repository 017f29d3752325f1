/**
 * A broker module's champion and its shadow aliases over HTTP: the comparison of their scores on
 * the stored alerts, and the promotion of a shadow alias's version to the alias the module
 * follows. The module is known from the latest broker run that had it. Bodies are exact JSON
 * (64-bit ids as unquoted digits).
 */
import { compareStoredModule } from '../../broker/comparison/compare-stored-module.js';
import { comparedModuleFromRuns } from '../../broker/comparison/compared-module.js';
import { onlyShadow, promoteShadow, type AliasRegistry } from '../../broker/comparison/promote-shadow.js';
import type { AlertStore } from '../../broker/store/alert-store.js';
import { MAX_COMPARISON_ROWS } from '../../broker/store/comparison-rows.js';
import { MlflowError } from '../../common/mlflow-error.js';
import { RESPONDED, type ApiRequest, type Route } from '../router.js';
import { sendExact } from './send-exact.js';

export function moduleRoutes(alerts: AlertStore, registry: AliasRegistry): Route[] {
  return [
    { method: 'GET', pattern: '/api/aviary/modules/:module/comparison', handler: (r) => comparison(alerts, r) },
    { method: 'POST', pattern: '/api/aviary/modules/:module/promote', handler: (r) => promote(alerts, registry, r) },
  ];
}

async function comparison(alerts: AlertStore, r: ApiRequest): Promise<typeof RESPONDED> {
  const alias = textParam(r, 'alias');
  const output = textParam(r, 'output');
  const threshold = thresholdParam(r);
  const limit = limitParam(r);
  const module = await comparedModuleFromRuns(alerts, r.params.module!);
  const result = await compareStoredModule(alerts, module, {
    ...(alias !== undefined && { alias }),
    ...(output !== undefined && { output }),
    ...(threshold !== undefined && { threshold }),
    ...(limit !== undefined && { limit }),
  });
  return sendExact(r.res, result);
}

async function promote(alerts: AlertStore, registry: AliasRegistry, r: ApiRequest): Promise<object> {
  const body = await r.input();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw MlflowError.invalid('The request body must be a JSON object such as {"alias": "challenger"}');
  const given = (body as { alias?: unknown }).alias;
  if (given !== undefined && (typeof given !== 'string' || given === '')) throw MlflowError.invalid("Invalid 'alias': expected the shadow alias to promote, e.g. \"challenger\"");
  const module = await comparedModuleFromRuns(alerts, r.params.module!);
  return promoteShadow(registry, module, given ?? onlyShadow(module.name, module.shadows));
}

function textParam(r: ApiRequest, name: string): string | undefined {
  const text = r.query.get(name);
  return text === null || text === '' ? undefined : text;
}

function thresholdParam(r: ApiRequest): number | undefined {
  const text = textParam(r, 'threshold');
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw MlflowError.invalid(`Invalid threshold '${text.slice(0, 40)}': expected a number, e.g. 0.5`);
  return value;
}

function limitParam(r: ApiRequest): number | undefined {
  const text = textParam(r, 'limit');
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > MAX_COMPARISON_ROWS) {
    throw MlflowError.invalid(`Invalid limit '${text.slice(0, 40)}': expected the most alerts to compare, 1 to ${MAX_COMPARISON_ROWS}`);
  }
  return Number(text);
}
