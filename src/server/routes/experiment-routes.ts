/** MLflow's experiment endpoints: thin handlers that parse, call the tracking service and shape the answer. */
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { Route } from '../router.js';
import { int64, list, parseMessage, string } from '../schema.js';
import { keyValues, keyValuesOf, viewType } from './fields.js';

const DEFAULT_MAX_EXPERIMENTS = 1000;

export function experimentRoutes(tracking: TrackingService): Route[] {
  const search = async (input: unknown) => {
    const req = parseMessage(
      { max_results: int64(), page_token: string(), filter: string(), order_by: list(string()), view_type: viewType() },
      input,
    );
    const page = await tracking.searchExperiments({
      maxResults: req.max_results ?? DEFAULT_MAX_EXPERIMENTS,
      pageToken: req.page_token || undefined,
      filter: req.filter || undefined,
      orderBy: req.order_by,
      viewType: req.view_type ?? 'ACTIVE_ONLY',
    });
    return { experiments: page.items, next_page_token: page.nextPageToken };
  };

  return [
    {
      method: 'POST',
      pattern: '/experiments/create',
      handler: async (r) => {
        const req = parseMessage({ name: string().req(), artifact_location: string(), tags: keyValues() }, await r.input());
        return { experiment_id: await tracking.createExperiment(req.name, req.artifact_location, keyValuesOf(req.tags)) };
      },
    },
    {
      method: 'GET',
      pattern: '/experiments/get',
      handler: async (r) => {
        const req = parseMessage({ experiment_id: string().req() }, await r.input());
        return { experiment: await tracking.getExperiment(req.experiment_id) };
      },
    },
    {
      method: 'GET',
      pattern: '/experiments/get-by-name',
      handler: async (r) => {
        const req = parseMessage({ experiment_name: string().req() }, await r.input());
        return { experiment: await tracking.getExperimentByName(req.experiment_name) };
      },
    },
    { method: 'POST', pattern: '/experiments/search', handler: async (r) => search(await r.input()) },
    { method: 'GET', pattern: '/experiments/search', handler: async (r) => search(await r.input()) },
    {
      method: 'POST',
      pattern: '/experiments/update',
      handler: async (r) => {
        const req = parseMessage({ experiment_id: string().req(), new_name: string() }, await r.input());
        if (req.new_name) await tracking.renameExperiment(req.experiment_id, req.new_name);
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/experiments/delete',
      handler: async (r) => {
        const req = parseMessage({ experiment_id: string().req() }, await r.input());
        await tracking.deleteExperiment(req.experiment_id);
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/experiments/restore',
      handler: async (r) => {
        const req = parseMessage({ experiment_id: string().req() }, await r.input());
        await tracking.restoreExperiment(req.experiment_id);
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/experiments/set-experiment-tag',
      handler: async (r) => {
        const req = parseMessage({ experiment_id: string().req(), key: string().req(), value: string() }, await r.input());
        await tracking.setExperimentTag(req.experiment_id, { key: req.key, value: req.value ?? '' });
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/experiments/delete-experiment-tag',
      handler: async (r) => {
        const req = parseMessage({ experiment_id: string().req(), key: string().req() }, await r.input());
        await tracking.deleteExperimentTag(req.experiment_id, req.key);
        return {};
      },
    },
  ];
}
