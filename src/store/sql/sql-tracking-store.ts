/** The tracking store over SQL: one repository per resource, sharing one Kysely database. */
import type { TrackingStore } from '../../tracking/tracking-store.js';
import { datasetSummaries } from './dataset-summaries.js';
import { ExperimentsRepository } from './experiments-repository.js';
import { LoggedModelsRepository } from './logged-models-repository.js';
import type { SqlDatabase } from './open-database.js';
import { RunDataRepository } from './run-data-repository.js';
import { RunsRepository } from './runs-repository.js';

export function sqlTrackingStore(database: SqlDatabase): TrackingStore {
  const { db, dialect } = database;
  const experiments = new ExperimentsRepository(db, dialect);
  const runs = new RunsRepository(db, experiments, dialect);
  const runData = new RunDataRepository(db, runs, dialect);
  const models = new LoggedModelsRepository(db, experiments, dialect);
  return {
    createExperiment: (name, location, tags, defaultRoot) => experiments.create(name, location, tags, defaultRoot),
    getExperiment: (id) => experiments.get(id),
    getExperimentByName: (name) => experiments.getByName(name),
    searchExperiments: (query) => experiments.search(query),
    renameExperiment: (id, name) => experiments.rename(id, name),
    deleteExperiment: (id) => experiments.setLifecycle(id, 'deleted'),
    restoreExperiment: (id) => experiments.setLifecycle(id, 'active'),
    setExperimentTag: (id, tag) => experiments.setTag(id, tag),
    deleteExperimentTag: (id, key) => experiments.deleteTag(id, key),

    createRun: (input) => runs.create(input),
    getRun: (id) => runs.get(id),
    getRunInfo: (id) => runs.info(id),
    updateRun: (id, update) => runs.update(id, update),
    deleteRun: (id) => runs.setLifecycle(id, 'deleted'),
    restoreRun: (id) => runs.setLifecycle(id, 'active'),
    logBatch: (id, batch) => runData.logBatch(id, batch),
    deleteTag: (id, key) => runs.deleteTag(id, key),
    logInputs: (id, datasets, models) => runData.logInputs(id, datasets, models),
    logOutputs: (id, outputs) => runData.logOutputs(id, outputs),
    getMetricHistory: (id, key, page) => runData.metricHistory(id, key, page),
    getMetricHistoryBulkInterval: (ids, key, range) => runData.metricHistoryBulkInterval(ids, key, range),
    getMetricHistoryBulk: (ids, key, max) => runData.metricHistoryBulk(ids, key, max),
    searchRuns: (query) => runs.search(query),
    searchDatasetSummaries: (ids, max) => datasetSummaries(db, ids, max),

    createLoggedModel: (input) => models.create(input),
    getLoggedModel: (id) => models.get(id),
    finalizeLoggedModel: (id, status) => models.finalize(id, status),
    deleteLoggedModel: (id) => models.delete(id),
    setLoggedModelTags: (id, tags) => models.setTags(id, tags),
    deleteLoggedModelTag: (id, key) => models.deleteTag(id, key),
    logLoggedModelParams: (id, params) => models.logParams(id, params),
    searchLoggedModels: (query) => models.search(query),

    close: () => database.close(),
  };
}
