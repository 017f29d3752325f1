/**
 * The tracking domain's one entry point: MLflow's validation rules, then the store. Handlers
 * (HTTP now, the CLI and the broker later) call this, never the store directly.
 */
import { MlflowError } from '../common/mlflow-error.js';
import { appendToModelHistory, LOGGED_MODELS_HISTORY_TAG } from './logged-model-history.js';
import { resolveArtifactLocation } from './artifact-location.js';
import type { Dataset, DatasetSummary, Experiment, KeyValue, LoggedModel, LoggedModelStatus, Metric, Page, Run, RunInfo, RunStatus, ViewType } from './entities.js';
import type { CreateLoggedModelInput, SearchQuery, TrackingStore } from './tracking-store.js';
import {
  checkLength,
  LIMITS,
  validateBatch,
  validateExperimentName,
  validateExperimentTag,
  validateParam,
  validateRunId,
  validateTag,
} from './validation.js';

/** MLflow's page-size ceilings. */
const MAX_EXPERIMENTS_PER_PAGE = 50_000;
const MAX_RUNS_PER_BULK_HISTORY = 100;
const MAX_RESULTS_PER_RUN = 2500;
/** The UI's bulk history (MLflow's get_metric_history_bulk_handler): runs per request, points in all. */
const MAX_RUNS_PER_BULK_REQUEST = 100;
const MAX_BULK_HISTORY_POINTS = 25_000;
/** The UI's dataset listing (MLflow's search_datasets_impl and its store's ceiling). */
const MAX_EXPERIMENTS_PER_DATASET_SEARCH = 20;
const MAX_DATASET_SUMMARIES = 1000;

export interface TrackingOptions {
  /**
   * Where experiments created without an artifact_location keep their artifacts:
   * `<root>/<experiment id>`; `mlflow-artifacts:` (this server's store) by default. A local root
   * is served only where it is the server's own artifact folder (artifacts/artifact-uri.ts).
   */
  readonly defaultArtifactRoot?: string;
}

export class TrackingService {
  constructor(
    readonly store: TrackingStore,
    private readonly options: TrackingOptions = {},
  ) {}

  createExperiment(name: string, artifactLocation: string | undefined, tags: KeyValue[]): Promise<string> {
    validateExperimentName(name);
    const location = artifactLocation ? resolveArtifactLocation(artifactLocation) : undefined;
    tags.forEach(validateExperimentTag);
    return this.store.createExperiment(name, location, tags, this.options.defaultArtifactRoot);
  }

  getExperiment(id: string): Promise<Experiment> {
    return this.store.getExperiment(id);
  }

  async getExperimentByName(name: string): Promise<Experiment> {
    const experiment = await this.store.getExperimentByName(name);
    if (!experiment) throw MlflowError.notFound(`Could not find experiment with name '${name}'`);
    return experiment;
  }

  searchExperiments(query: SearchQuery & { viewType: ViewType }): Promise<Page<Experiment>> {
    if (query.maxResults < 1 || query.maxResults > MAX_EXPERIMENTS_PER_PAGE) {
      throw MlflowError.invalid(
        `Invalid value ${query.maxResults} for parameter 'max_results' supplied. It must be at most ${MAX_EXPERIMENTS_PER_PAGE}, but got value ${query.maxResults}`,
      );
    }
    return this.store.searchExperiments(query);
  }

  renameExperiment(id: string, newName: string): Promise<void> {
    validateExperimentName(newName);
    return this.store.renameExperiment(id, newName);
  }

  deleteExperiment(id: string): Promise<void> {
    return this.store.deleteExperiment(id);
  }

  restoreExperiment(id: string): Promise<void> {
    return this.store.restoreExperiment(id);
  }

  setExperimentTag(id: string, tag: KeyValue): Promise<void> {
    validateExperimentTag(tag);
    return this.store.setExperimentTag(id, tag);
  }

  deleteExperimentTag(id: string, key: string): Promise<void> {
    return this.store.deleteExperimentTag(id, key);
  }

  createRun(input: { experimentId?: string; userId?: string; runName?: string; startTime?: number; tags: KeyValue[] }): Promise<Run> {
    const tags = input.tags.map((t, i) => validateTag(t, `tags[${i}]`));
    if (input.runName) checkLength('run_name', LIMITS.entityKey, input.runName);
    return this.store.createRun({
      experimentId: input.experimentId || '0',
      userId: input.userId ?? '',
      runName: input.runName,
      startTime: input.startTime ?? Date.now(),
      tags,
    });
  }

  getRun(runId: string): Promise<Run> {
    validateRunId(runId);
    return this.store.getRun(runId);
  }

  getRunInfo(runId: string): Promise<RunInfo> {
    validateRunId(runId);
    return this.store.getRunInfo(runId);
  }

  updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
    validateRunId(runId);
    return this.store.updateRun(runId, update);
  }

  deleteRun(runId: string): Promise<void> {
    validateRunId(runId);
    return this.store.deleteRun(runId);
  }

  restoreRun(runId: string): Promise<void> {
    validateRunId(runId);
    return this.store.restoreRun(runId);
  }

  logBatch(runId: string, batch: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }): Promise<void> {
    validateRunId(runId);
    return this.store.logBatch(runId, validateBatch(batch));
  }

  logParam(runId: string, param: KeyValue): Promise<void> {
    validateRunId(runId);
    return this.store.logBatch(runId, { metrics: [], params: [validateParam(param)], tags: [] });
  }

  setTag(runId: string, tag: KeyValue): Promise<void> {
    validateRunId(runId);
    return this.store.logBatch(runId, { metrics: [], params: [], tags: [validateTag(tag)] });
  }

  /** LogModel: the model appended to the run's `mlflow.log-model.history` tag. */
  async recordLoggedModel(runId: string, modelJson: string): Promise<void> {
    validateRunId(runId);
    const run = await this.store.getRun(runId);
    const previous = run.data.tags.find((t) => t.key === LOGGED_MODELS_HISTORY_TAG)?.value;
    await this.setTag(runId, { key: LOGGED_MODELS_HISTORY_TAG, value: appendToModelHistory(previous, modelJson) });
  }

  deleteTag(runId: string, key: string): Promise<void> {
    validateRunId(runId);
    return this.store.deleteTag(runId, key);
  }

  logInputs(runId: string, datasets: { dataset: Dataset; tags: KeyValue[] }[], modelIds: string[]): Promise<void> {
    validateRunId(runId);
    datasets.forEach(({ dataset, tags }, i) => {
      const at = `datasets[${i}].dataset`;
      checkLength(`${at}.name`, LIMITS.datasetName, dataset.name);
      checkLength(`${at}.digest`, LIMITS.datasetDigest, dataset.digest);
      checkLength(`${at}.source`, LIMITS.datasetSource, dataset.source);
      if (dataset.schema) checkLength(`${at}.schema`, LIMITS.datasetSchema, dataset.schema);
      if (dataset.profile) checkLength(`${at}.profile`, LIMITS.datasetProfile, dataset.profile);
      tags.forEach((t, j) => {
        checkLength(`datasets[${i}].tags[${j}].key`, LIMITS.inputTagKey, t.key);
        checkLength(`datasets[${i}].tags[${j}].value`, LIMITS.inputTagValue, t.value);
      });
    });
    return this.store.logInputs(runId, datasets, modelIds);
  }

  logOutputs(runId: string, models: { model_id: string; step: number }[]): Promise<void> {
    validateRunId(runId);
    return this.store.logOutputs(runId, models);
  }

  getMetricHistory(runId: string, key: string, page: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>> {
    validateRunId(runId);
    if (page.maxResults !== undefined && page.maxResults <= 0) {
      throw MlflowError.invalid(`Invalid value ${page.maxResults} for parameter 'max_results' supplied. It must be a positive integer.`);
    }
    return this.store.getMetricHistory(runId, key, page);
  }

  getMetricHistoryBulkInterval(
    runIds: string[],
    key: string,
    range: { startStep?: number; endStep?: number; maxResults?: number },
  ): Promise<Metric[]> {
    if (runIds.length === 0) throw MlflowError.invalid("Missing value for required parameter 'run_ids'.");
    if (runIds.length > MAX_RUNS_PER_BULK_HISTORY) {
      throw MlflowError.invalid(
        `GetMetricHistoryBulkInterval request must specify at most ${MAX_RUNS_PER_BULK_HISTORY} run_ids. Received ${runIds.length} run_ids.`,
      );
    }
    const maxResults = range.maxResults ?? MAX_RESULTS_PER_RUN;
    if (maxResults < 1 || maxResults > MAX_RESULTS_PER_RUN) {
      throw MlflowError.invalid(`max_results must be between 1 and ${MAX_RESULTS_PER_RUN}.`);
    }
    if ((range.startStep === undefined) !== (range.endStep === undefined)) {
      throw MlflowError.invalid('If either start step or end step are specified, both must be specified.');
    }
    if (range.startStep !== undefined && range.endStep !== undefined && range.startStep > range.endStep) {
      throw MlflowError.invalid(
        `end_step must be greater than start_step. Found start_step=${range.startStep} and end_step=${range.endStep}.`,
      );
    }
    return this.store.getMetricHistoryBulkInterval(runIds, key, { ...range, maxResults });
  }

  /** `maxResults` above MLflow's ceiling counts as the ceiling, as MLflow does. */
  getMetricHistoryBulk(runIds: string[], key: string | undefined, maxResults = MAX_BULK_HISTORY_POINTS): Promise<Metric[]> {
    if (runIds.length === 0) throw MlflowError.invalid('GetMetricHistoryBulk request must specify at least one run_id.');
    if (runIds.length > MAX_RUNS_PER_BULK_REQUEST) {
      throw MlflowError.invalid(
        `GetMetricHistoryBulk request cannot specify more than ${MAX_RUNS_PER_BULK_REQUEST} run_ids. Received ${runIds.length} run_ids.`,
      );
    }
    if (key === undefined) throw MlflowError.invalid('GetMetricHistoryBulk request must specify a metric_key.');
    if (maxResults < 0) throw MlflowError.invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must not be negative.`);
    return this.store.getMetricHistoryBulk([...new Set(runIds)], key, Math.min(maxResults, MAX_BULK_HISTORY_POINTS));
  }

  searchDatasetSummaries(experimentIds: string[]): Promise<DatasetSummary[]> {
    if (experimentIds.length === 0) throw MlflowError.invalid('SearchDatasets request must specify at least one experiment_id.');
    if (experimentIds.length > MAX_EXPERIMENTS_PER_DATASET_SEARCH) {
      throw MlflowError.invalid(
        `SearchDatasets request cannot specify more than ${MAX_EXPERIMENTS_PER_DATASET_SEARCH} experiment_ids. Received ${experimentIds.length} experiment_ids.`,
      );
    }
    const ids = experimentIds.map((id) => {
      if (!/^\s*[+-]?\d+\s*$/.test(id)) throw MlflowError.invalid(`Invalid experiment ID '${id}'. Experiment ID must be a valid integer.`);
      return Number(id);
    });
    return this.store.searchDatasetSummaries(ids, MAX_DATASET_SUMMARIES);
  }

  searchRuns(query: SearchQuery & { experimentIds: string[]; viewType: ViewType }): Promise<Page<Run>> {
    return this.store.searchRuns(query);
  }

  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
    return this.store.createLoggedModel({
      ...input,
      params: input.params.map((p) => validateParam(p)),
      tags: input.tags.map((t) => validateTag(t)),
    });
  }

  getLoggedModel(id: string): Promise<LoggedModel> {
    return this.store.getLoggedModel(id);
  }

  finalizeLoggedModel(id: string, status: LoggedModelStatus): Promise<LoggedModel> {
    return this.store.finalizeLoggedModel(id, status);
  }

  deleteLoggedModel(id: string): Promise<void> {
    return this.store.deleteLoggedModel(id);
  }

  setLoggedModelTags(id: string, tags: KeyValue[]): Promise<LoggedModel> {
    return this.store.setLoggedModelTags(id, tags.map((t) => validateTag(t)));
  }

  deleteLoggedModelTag(id: string, key: string): Promise<void> {
    return this.store.deleteLoggedModelTag(id, key);
  }

  logLoggedModelParams(id: string, params: KeyValue[]): Promise<void> {
    return this.store.logLoggedModelParams(id, params.map((p) => validateParam(p)));
  }

  searchLoggedModels(query: Parameters<TrackingStore['searchLoggedModels']>[0]): Promise<Page<LoggedModel>> {
    return this.store.searchLoggedModels(query);
  }
}
