/** MLflow's registered-model endpoints, aliases included. */
import type { RegistryService } from '../../registry/registry-service.js';
import type { Route } from '../router.js';
import { int64, list, parseMessage, string } from '../schema.js';
import { keyValues, keyValuesOf } from './fields.js';

const DEFAULT_MAX_MODELS = 100;

export function registeredModelRoutes(registry: RegistryService): Route[] {
  const byName = { name: string().req() };
  const search = async (input: unknown) => {
    const req = parseMessage({ filter: string(), max_results: int64(), order_by: list(string()), page_token: string() }, input);
    const page = await registry.searchRegisteredModels({
      filter: req.filter || undefined,
      maxResults: req.max_results ?? DEFAULT_MAX_MODELS,
      orderBy: req.order_by,
      pageToken: req.page_token || undefined,
    });
    return { registered_models: page.items, next_page_token: page.nextPageToken };
  };
  const latest = async (input: unknown) => {
    const req = parseMessage({ ...byName, stages: list(string()) }, input);
    return { model_versions: await registry.getLatestVersions(req.name, req.stages) };
  };

  return [
    {
      method: 'POST',
      pattern: '/registered-models/create',
      handler: async (r) => {
        const req = parseMessage({ ...byName, tags: keyValues(), description: string() }, await r.input());
        const model = await registry.createRegisteredModel(req.name, { tags: keyValuesOf(req.tags), description: req.description });
        return { registered_model: model };
      },
    },
    {
      method: 'GET',
      pattern: '/registered-models/get',
      handler: async (r) => ({ registered_model: await registry.getRegisteredModel(parseMessage(byName, await r.input()).name) }),
    },
    {
      method: 'POST',
      pattern: '/registered-models/rename',
      handler: async (r) => {
        const req = parseMessage({ ...byName, new_name: string() }, await r.input());
        return { registered_model: await registry.renameRegisteredModel(req.name, req.new_name) };
      },
    },
    {
      method: 'PATCH',
      pattern: '/registered-models/update',
      handler: async (r) => {
        const req = parseMessage({ ...byName, description: string() }, await r.input());
        return { registered_model: await registry.updateRegisteredModel(req.name, req.description) };
      },
    },
    {
      method: 'DELETE',
      pattern: '/registered-models/delete',
      handler: async (r) => {
        await registry.deleteRegisteredModel(parseMessage(byName, await r.input()).name);
        return {};
      },
    },
    { method: 'GET', pattern: '/registered-models/search', handler: async (r) => search(await r.input()) },
    { method: 'POST', pattern: '/registered-models/get-latest-versions', handler: async (r) => latest(await r.input()) },
    { method: 'GET', pattern: '/registered-models/get-latest-versions', handler: async (r) => latest(await r.input()) },
    {
      method: 'POST',
      pattern: '/registered-models/set-tag',
      handler: async (r) => {
        const req = parseMessage({ ...byName, key: string().req(), value: string() }, await r.input());
        await registry.setRegisteredModelTag(req.name, { key: req.key, value: req.value ?? '' });
        return {};
      },
    },
    {
      method: 'DELETE',
      pattern: '/registered-models/delete-tag',
      handler: async (r) => {
        const req = parseMessage({ ...byName, key: string().req() }, await r.input());
        await registry.deleteRegisteredModelTag(req.name, req.key);
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/registered-models/alias',
      handler: async (r) => {
        const req = parseMessage({ ...byName, alias: string().req(), version: string().req() }, await r.input());
        await registry.setAlias(req.name, req.alias, req.version);
        return {};
      },
    },
    {
      method: 'DELETE',
      pattern: '/registered-models/alias',
      handler: async (r) => {
        const req = parseMessage({ ...byName, alias: string().req() }, await r.input());
        await registry.deleteAlias(req.name, req.alias);
        return {};
      },
    },
    {
      method: 'GET',
      pattern: '/registered-models/alias',
      handler: async (r) => {
        const req = parseMessage({ ...byName, alias: string().req() }, await r.input());
        return { model_version: await registry.getVersionByAlias(req.name, req.alias) };
      },
    },
  ];
}
