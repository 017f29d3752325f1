/** MLflow's run endpoints: life cycle, logging, inputs and outputs, search. */
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { Route } from '../router.js';
import { double, int64, list, message, parseMessage, string } from '../schema.js';
import { missing } from '../schema.js';
import { dataset, keyValue, keyValues, keyValuesOf, metric, runStatus, viewType } from './fields.js';

const DEFAULT_MAX_RUNS = 1000;

/** Old clients send `run_uuid`; MLflow takes either and requires one. */
function runIdOf(req: { run_id?: string; run_uuid?: string }): string {
  const id = req.run_id || req.run_uuid;
  if (!id) throw missing('run_id');
  return id;
}

const runRef = { run_id: string(), run_uuid: string() };

export function runRoutes(tracking: TrackingService): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/runs/create',
      handler: async (r) => {
        const req = parseMessage(
          { experiment_id: string(), user_id: string(), run_name: string(), start_time: int64(), tags: keyValues() },
          await r.input(),
        );
        const run = await tracking.createRun({
          experimentId: req.experiment_id,
          userId: req.user_id,
          runName: req.run_name,
          startTime: req.start_time,
          tags: keyValuesOf(req.tags),
        });
        return { run };
      },
    },
    {
      method: 'GET',
      pattern: '/runs/get',
      handler: async (r) => ({ run: await tracking.getRun(runIdOf(parseMessage(runRef, await r.input()))) }),
    },
    {
      method: 'POST',
      pattern: '/runs/update',
      handler: async (r) => {
        const req = parseMessage({ ...runRef, status: runStatus(), end_time: int64(), run_name: string() }, await r.input());
        const runInfo = await tracking.updateRun(runIdOf(req), { status: req.status, endTime: req.end_time, runName: req.run_name });
        return { run_info: runInfo };
      },
    },
    {
      method: 'POST',
      pattern: '/runs/delete',
      handler: async (r) => {
        await tracking.deleteRun(parseMessage({ run_id: string().req() }, await r.input()).run_id);
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/runs/restore',
      handler: async (r) => {
        await tracking.restoreRun(parseMessage({ run_id: string().req() }, await r.input()).run_id);
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/runs/log-metric',
      handler: async (r) => {
        const req = parseMessage(
          {
            ...runRef,
            key: string().req(),
            value: double().req(),
            timestamp: int64().req(),
            step: int64(),
            model_id: string(),
            dataset_name: string(),
            dataset_digest: string(),
          },
          await r.input(),
        );
        const { run_id: _a, run_uuid: _b, ...m } = req;
        await tracking.logBatch(runIdOf(req), { metrics: [{ ...m, step: m.step ?? 0 }], params: [], tags: [] });
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/runs/log-parameter',
      handler: async (r) => {
        // MLflow takes "" (and no value at all) as a param's value.
        const req = parseMessage({ ...runRef, key: string().req(), value: string() }, await r.input());
        await tracking.logParam(runIdOf(req), { key: req.key, value: req.value ?? '' });
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/runs/set-tag',
      handler: async (r) => {
        const req = parseMessage({ ...runRef, key: string().req(), value: string() }, await r.input());
        await tracking.setTag(runIdOf(req), { key: req.key, value: req.value ?? '' });
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/runs/delete-tag',
      handler: async (r) => {
        const req = parseMessage({ run_id: string().req(), key: string().req() }, await r.input());
        await tracking.deleteTag(req.run_id, req.key);
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/runs/log-batch',
      handler: async (r) => {
        const req = parseMessage(
          { run_id: string().req(), metrics: list(metric), params: list(keyValue), tags: list(keyValue) },
          await r.input(),
        );
        await tracking.logBatch(req.run_id, {
          metrics: (req.metrics ?? []).map((m) => ({ ...m, step: m.step ?? 0 })),
          params: keyValuesOf(req.params),
          tags: keyValuesOf(req.tags),
        });
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/runs/log-inputs',
      handler: async (r) => {
        const req = parseMessage(
          {
            run_id: string().req(),
            datasets: list(message({ tags: list(message({ key: string().req(), value: string().req() })), dataset: dataset.req() })),
            models: list(message({ model_id: string().req() })),
          },
          await r.input(),
        );
        const datasets = (req.datasets ?? []).map((d) => ({ dataset: d.dataset, tags: d.tags ?? [] }));
        await tracking.logInputs(req.run_id, datasets, (req.models ?? []).map((m) => m.model_id));
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/runs/outputs',
      handler: async (r) => {
        const req = parseMessage(
          { run_id: string().req(), models: list(message({ model_id: string().req(), step: int64().req() })) },
          await r.input(),
        );
        await tracking.logOutputs(req.run_id, req.models ?? []);
        return {};
      },
    },
    {
      method: 'POST',
      pattern: '/runs/search',
      handler: async (r) => {
        const req = parseMessage(
          {
            experiment_ids: list(string()),
            filter: string(),
            run_view_type: viewType(),
            max_results: int64(),
            order_by: list(string()),
            page_token: string(),
          },
          await r.input(),
        );
        const page = await tracking.searchRuns({
          experimentIds: req.experiment_ids ?? [],
          filter: req.filter || undefined,
          viewType: req.run_view_type ?? 'ACTIVE_ONLY',
          maxResults: req.max_results ?? DEFAULT_MAX_RUNS,
          orderBy: req.order_by,
          pageToken: req.page_token || undefined,
        });
        return { runs: page.items, next_page_token: page.nextPageToken };
      },
    },
    {
      method: 'GET',
      pattern: '/metrics/get-history',
      handler: async (r) => {
        const req = parseMessage(
          { ...runRef, metric_key: string().req(), page_token: string(), max_results: int64() },
          await r.input(),
        );
        const page = await tracking.getMetricHistory(runIdOf(req), req.metric_key, {
          maxResults: req.max_results,
          pageToken: req.page_token || undefined,
        });
        return { metrics: page.items, next_page_token: page.nextPageToken };
      },
    },
    {
      method: 'GET',
      pattern: '/metrics/get-history-bulk-interval',
      handler: async (r) => {
        const req = parseMessage(
          { run_ids: list(string()).req(), metric_key: string().req(), start_step: int64(), end_step: int64(), max_results: int64() },
          await r.input(),
        );
        const metrics = await tracking.getMetricHistoryBulkInterval(req.run_ids, req.metric_key, {
          startStep: req.start_step,
          endStep: req.end_step,
          maxResults: req.max_results,
        });
        return { metrics };
      },
    },
  ];
}
