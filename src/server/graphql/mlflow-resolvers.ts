/**
 * The resolvers that are not plain field reads: the root fields, each the REST endpoint
 * MLflow's resolver calls, and MLflow's extensions (a run's experiment and model versions,
 * a metric's NaN). Any other field is read by protoFieldResolver.
 */
import { GraphQLError } from 'graphql';
import type { RestCall } from './rest-calls.js';
import { snakeCase } from './proto-field-resolver.js';

export interface GraphqlContext {
  readonly rest: RestCall;
}

type Resolver = (source: Record<string, unknown>, args: Record<string, unknown>, ctx: GraphqlContext) => unknown;

const API = '/api/2.0/mlflow';
/** Where MLflow serves the endpoints only its web UI calls. */
const UI_API = '/ajax-api/2.0/mlflow';

/** A GraphQL input object as the REST endpoint's input: proto names, fields given as null left out. */
function restInput(args: Record<string, unknown>): Record<string, unknown> {
  const input = (args.input ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [snakeCase(k), v]));
}

const searchRuns: Resolver = (_s, args, { rest }) => rest('POST', `${API}/runs/search`, restInput(args));
const echo: Resolver = (_s, args) => ({ output: args.inputString ?? null });

/** GraphQL's Float has neither NaN nor infinities; MLflow's SQL store keeps infinities as the largest doubles. */
function finiteOrClamped(value: unknown): unknown {
  if (typeof value !== 'number' || Number.isFinite(value) || Number.isNaN(value)) return value;
  return value > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

export const RESOLVERS: Record<string, Record<string, Resolver>> = {
  Query: {
    mlflowGetExperiment: (_s, args, { rest }) => rest('GET', `${API}/experiments/get`, restInput(args)),
    mlflowGetMetricHistoryBulkInterval: (_s, args, { rest }) => rest('GET', `${API}/metrics/get-history-bulk-interval`, restInput(args)),
    mlflowGetRun: (_s, args, { rest }) => rest('GET', `${API}/runs/get`, restInput(args)),
    mlflowListArtifacts: (_s, args, { rest }) => rest('GET', `${API}/artifacts/list`, restInput(args)),
    mlflowSearchModelVersions: (_s, args, { rest }) => rest('GET', `${API}/model-versions/search`, restInput(args)),
    mlflowSearchRuns: searchRuns,
    test: echo,
  },
  Mutation: {
    mlflowSearchDatasets: (_s, args, { rest }) => rest('POST', `${UI_API}/experiments/search-datasets`, restInput(args)),
    mlflowSearchRuns: searchRuns,
    testMutation: echo,
  },
  MlflowRunExtension: {
    experiment: async (run, _a, { rest }) => {
      const experimentId = (run.info as { experiment_id?: string } | undefined)?.experiment_id ?? '';
      return (await rest('GET', `${API}/experiments/get`, { experiment_id: experimentId })).experiment;
    },
    modelVersions: async (run, _a, { rest }) => {
      const runId = (run.info as { run_id?: string } | undefined)?.run_id ?? '';
      return (await rest('GET', `${API}/model-versions/search`, { filter: `run_id='${runId}'` })).model_versions ?? [];
    },
  },
  MlflowMetricExtension: {
    // MLflow's extension: a NaN metric reads as null rather than failing the field.
    value: (metric) => (Number.isNaN(metric.value) ? null : finiteOrClamped(metric.value)),
  },
  MlflowMetricWithRunId: {
    // MLflow has no such extension here: a NaN fails the field with graphql-core's message.
    value: (metric) => {
      if (Number.isNaN(metric.value)) throw new GraphQLError('Float cannot represent non numeric value: nan');
      return finiteOrClamped(metric.value);
    },
  },
};
