/** MLflow 3's logged-model endpoints. */
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { Route } from '../router.js';
import { bool, int64, list, message, parseMessage, string } from '../schema.js';
import { keyValues, keyValuesOf, loggedModelStatus } from './fields.js';

const DEFAULT_MAX_MODELS = 50;

export function loggedModelRoutes(tracking: TrackingService): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/logged-models',
      handler: async (r) => {
        const req = parseMessage(
          {
            experiment_id: string().req(),
            name: string(),
            model_type: string(),
            source_run_id: string(),
            params: keyValues(),
            tags: keyValues(),
          },
          await r.input(),
        );
        const model = await tracking.createLoggedModel({
          experimentId: req.experiment_id,
          name: req.name,
          modelType: req.model_type,
          sourceRunId: req.source_run_id || undefined,
          params: keyValuesOf(req.params),
          tags: keyValuesOf(req.tags),
        });
        return { model };
      },
    },
    {
      method: 'POST',
      pattern: '/logged-models/search',
      handler: async (r) => {
        const req = parseMessage(
          {
            experiment_ids: list(string()),
            filter: string(),
            datasets: list(message({ dataset_name: string().req(), dataset_digest: string() })),
            max_results: int64(),
            order_by: list(message({ field_name: string().req(), ascending: bool(), dataset_name: string(), dataset_digest: string() })),
            page_token: string(),
          },
          await r.input(),
        );
        const page = await tracking.searchLoggedModels({
          experimentIds: req.experiment_ids ?? [],
          filter: req.filter || undefined,
          datasets: req.datasets,
          maxResults: req.max_results ?? DEFAULT_MAX_MODELS,
          orderBy: req.order_by,
          pageToken: req.page_token || undefined,
        });
        return { models: page.items, next_page_token: page.nextPageToken };
      },
    },
    {
      method: 'GET',
      pattern: '/logged-models/:model_id',
      handler: async (r) => ({ model: await tracking.getLoggedModel(r.params.model_id!) }),
    },
    {
      method: 'PATCH',
      pattern: '/logged-models/:model_id',
      handler: async (r) => {
        const req = parseMessage({ status: loggedModelStatus().req() }, await r.input());
        return { model: await tracking.finalizeLoggedModel(r.params.model_id!, req.status) };
      },
    },
    {
      method: 'DELETE',
      pattern: '/logged-models/:model_id',
      handler: async (r) => {
        await tracking.deleteLoggedModel(r.params.model_id!);
        return {};
      },
    },
    {
      method: 'PATCH',
      pattern: '/logged-models/:model_id/tags',
      handler: async (r) => {
        const req = parseMessage({ tags: keyValues() }, await r.input());
        return { model: await tracking.setLoggedModelTags(r.params.model_id!, keyValuesOf(req.tags)) };
      },
    },
    {
      method: 'DELETE',
      pattern: '/logged-models/:model_id/tags/:tag_key',
      handler: async (r) => {
        await tracking.deleteLoggedModelTag(r.params.model_id!, r.params.tag_key!);
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/logged-models/:model_id/params',
      handler: async (r) => {
        const req = parseMessage({ params: keyValues() }, await r.input());
        await tracking.logLoggedModelParams(r.params.model_id!, keyValuesOf(req.params));
        return {};
      },
    },
  ];
}
