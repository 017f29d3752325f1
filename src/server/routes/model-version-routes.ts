/** MLflow's model-version endpoints. */
import type { RegistryService } from '../../registry/registry-service.js';
import type { Route } from '../router.js';
import { bool, int64, list, parseMessage, string } from '../schema.js';
import { keyValues, keyValuesOf } from './fields.js';

const DEFAULT_MAX_VERSIONS = 10_000;

export function modelVersionRoutes(registry: RegistryService): Route[] {
  const ref = { name: string().req(), version: string().req() };
  return [
    {
      method: 'POST',
      pattern: '/model-versions/create',
      handler: async (r) => {
        const req = parseMessage(
          {
            name: string().req(),
            source: string().req(),
            run_id: string(),
            tags: keyValues(),
            run_link: string(),
            description: string(),
            model_id: string(),
          },
          await r.input(),
        );
        const version = await registry.registerModelVersion({
          name: req.name,
          source: req.source,
          runId: req.run_id || undefined,
          hasRunId: req.run_id !== undefined,
          runLink: req.run_link || undefined,
          modelId: req.model_id || undefined,
          hasModelId: req.model_id !== undefined,
          description: req.description,
          tags: keyValuesOf(req.tags),
        });
        return { model_version: version };
      },
    },
    {
      method: 'GET',
      pattern: '/model-versions/get',
      handler: async (r) => {
        const req = parseMessage(ref, await r.input());
        return { model_version: await registry.getModelVersion(req.name, req.version) };
      },
    },
    {
      method: 'PATCH',
      pattern: '/model-versions/update',
      handler: async (r) => {
        const req = parseMessage({ ...ref, description: string() }, await r.input());
        return { model_version: await registry.updateModelVersion(req.name, req.version, req.description) };
      },
    },
    {
      method: 'DELETE',
      pattern: '/model-versions/delete',
      handler: async (r) => {
        const req = parseMessage(ref, await r.input());
        await registry.deleteModelVersion(req.name, req.version);
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/model-versions/transition-stage',
      handler: async (r) => {
        const req = parseMessage({ ...ref, stage: string().req(), archive_existing_versions: bool() }, await r.input());
        const version = await registry.transitionStage(req.name, req.version, req.stage, req.archive_existing_versions ?? false);
        return { model_version: version };
      },
    },
    {
      method: 'GET',
      pattern: '/model-versions/search',
      handler: async (r) => {
        const req = parseMessage(
          { filter: string(), max_results: int64(), order_by: list(string()), page_token: string() },
          await r.input(),
        );
        const page = await registry.searchModelVersions({
          filter: req.filter || undefined,
          maxResults: req.max_results ?? DEFAULT_MAX_VERSIONS,
          orderBy: req.order_by,
          pageToken: req.page_token || undefined,
        });
        return { model_versions: page.items, next_page_token: page.nextPageToken };
      },
    },
    {
      method: 'GET',
      pattern: '/model-versions/get-download-uri',
      handler: async (r) => {
        const req = parseMessage(ref, await r.input());
        return { artifact_uri: await registry.getDownloadUri(req.name, req.version) };
      },
    },
    {
      method: 'POST',
      pattern: '/model-versions/set-tag',
      handler: async (r) => {
        const req = parseMessage({ ...ref, key: string().req(), value: string() }, await r.input());
        await registry.setModelVersionTag(req.name, req.version, { key: req.key, value: req.value ?? '' });
        return {};
      },
    },
    {
      method: 'DELETE',
      pattern: '/model-versions/delete-tag',
      handler: async (r) => {
        const req = parseMessage({ ...ref, key: string().req() }, await r.input());
        await registry.deleteModelVersionTag(req.name, req.version, req.key);
        return {};
      },
    },
  ];
}
