/**
 * The tracking store boundary: everything the tracking service keeps. Implementations check
 * existence and lifecycle (an unknown id is RESOURCE_DOES_NOT_EXIST, a deleted run refuses
 * writes); the service above has already checked the shapes and limits of the input.
 * Search filters and order_by arrive as MLflow's grammar, unparsed: each store compiles them.
 */
import type {
  Dataset,
  DatasetSummary,
  Experiment,
  KeyValue,
  LoggedModel,
  LoggedModelStatus,
  Metric,
  Page,
  Run,
  RunInfo,
  RunStatus,
  ViewType,
} from './entities.js';

export interface SearchQuery {
  filter?: string;
  orderBy?: string[];
  maxResults: number;
  pageToken?: string;
}

export interface CreateRunInput {
  experimentId: string;
  userId: string;
  runName?: string;
  startTime: number;
  tags: KeyValue[];
}

export interface CreateLoggedModelInput {
  experimentId: string;
  name?: string;
  modelType?: string;
  sourceRunId?: string;
  params: KeyValue[];
  tags: KeyValue[];
}

export interface TrackingStore {
  /** Without a location, the experiment's is `<defaultRoot>/<experiment id>` (`mlflow-artifacts:/<id>` by default). */
  createExperiment(name: string, artifactLocation: string | undefined, tags: KeyValue[], defaultRoot?: string): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  searchExperiments(query: SearchQuery & { viewType: ViewType }): Promise<Page<Experiment>>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, tag: KeyValue): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  createRun(input: CreateRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  /** A run's info alone, without its data: one query, for callers that need no metrics, params or tags. */
  getRunInfo(runId: string): Promise<RunInfo>;
  updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  /** Metrics, params and tags of one run in one transaction; a param already logged with another value is refused. */
  logBatch(runId: string, batch: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  logInputs(runId: string, datasets: { dataset: Dataset; tags: KeyValue[] }[], modelIds: string[]): Promise<void>;
  logOutputs(runId: string, models: { model_id: string; step: number }[]): Promise<void>;
  getMetricHistory(runId: string, key: string, page: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>>;
  /** Up to `maxResults` points of each run's history of `key`, sampled evenly over the steps in range. */
  getMetricHistoryBulkInterval(
    runIds: string[],
    key: string,
    range: { startStep?: number; endStep?: number; maxResults: number },
  ): Promise<Metric[]>;
  /** The points of `key` of every run named (unknown runs have none), by run id, then timestamp, step and value; at most `maxResults` in all. */
  getMetricHistoryBulk(runIds: string[], key: string, maxResults: number): Promise<Metric[]>;
  searchRuns(query: SearchQuery & { experimentIds: string[]; viewType: ViewType }): Promise<Page<Run>>;
  /** The distinct datasets the runs of these experiments used, with their context; at most `maxResults`. */
  searchDatasetSummaries(experimentIds: number[], maxResults: number): Promise<DatasetSummary[]>;

  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel>;
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel>;
  deleteLoggedModel(modelId: string): Promise<void>;
  setLoggedModelTags(modelId: string, tags: KeyValue[]): Promise<LoggedModel>;
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  logLoggedModelParams(modelId: string, params: KeyValue[]): Promise<void>;
  searchLoggedModels(
    query: Omit<SearchQuery, 'orderBy'> & {
      experimentIds: string[];
      orderBy?: { field_name: string; ascending?: boolean; dataset_name?: string; dataset_digest?: string }[];
      datasets?: { dataset_name: string; dataset_digest?: string }[];
    },
  ): Promise<Page<LoggedModel>>;

  close(): Promise<void>;
}
