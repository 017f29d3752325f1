/**
 * The registry domain's entry point: MLflow's validation, source resolution for new versions,
 * then the store; every committed change is announced on the event stream.
 */
import { MlflowError } from '../common/mlflow-error.js';
import type { RunInfo } from '../tracking/entities.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import { STAGES, type KeyValue, type ModelVersion, type Page, type RegisteredModel, type Stage } from './entities.js';
import { joinArtifactUri, parseModelUri } from './model-uri.js';
import type { RegistryEvent, RegistryEvents } from './registry-events.js';
import type { RegistrySearch, RegistryStore } from './registry-store.js';
import { resolveModelUri, type ResolvedModelUri } from './resolve-model-uri.js';
import { validateAlias, validateModelName, validateRegistryTag } from './registry-validation.js';

type EventBody = RegistryEvent extends infer E ? (E extends RegistryEvent ? Omit<E, 'timestamp'> : never) : never;

export function parseStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) throw MlflowError.invalid(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  return found;
}

export class RegistryService {
  constructor(
    readonly store: RegistryStore,
    private readonly tracking: TrackingService,
    readonly events: RegistryEvents,
  ) {}

  private emit(event: EventBody): void {
    this.events.emit({ ...event, timestamp: Date.now() } as RegistryEvent);
  }

  async createRegisteredModel(name: string, input: { tags: KeyValue[]; description?: string }): Promise<RegisteredModel> {
    validateModelName(name);
    input.tags.forEach(validateRegistryTag);
    const model = await this.store.createRegisteredModel(name, input);
    this.emit({ type: 'registered_model.created', name, tags: model.tags, description: model.description });
    return model;
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    validateModelName(name);
    return this.store.getRegisteredModel(name);
  }

  async renameRegisteredModel(name: string, newName: string | undefined): Promise<RegisteredModel> {
    validateModelName(name);
    if (!newName || newName.trim() === '') throw MlflowError.invalid("Missing value for required parameter 'new_name'.");
    validateModelName(newName, 'new_name');
    const model = await this.store.renameRegisteredModel(name, newName);
    this.emit({ type: 'registered_model.renamed', name, newName });
    return model;
  }

  async updateRegisteredModel(name: string, description: string | undefined): Promise<RegisteredModel> {
    validateModelName(name);
    const model = await this.store.updateRegisteredModel(name, description);
    this.emit({ type: 'registered_model.updated', name });
    return model;
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    validateModelName(name);
    await this.store.deleteRegisteredModel(name);
    this.emit({ type: 'registered_model.deleted', name });
  }

  searchRegisteredModels(query: RegistrySearch): Promise<Page<RegisteredModel>> {
    return this.store.searchRegisteredModels(query);
  }

  async setRegisteredModelTag(name: string, tag: KeyValue): Promise<void> {
    validateModelName(name);
    validateRegistryTag(tag);
    await this.store.setRegisteredModelTag(name, tag);
    this.emit({ type: 'registered_model.tag_set', name, ...tag });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    validateModelName(name);
    if (await this.store.deleteRegisteredModelTag(name, key)) this.emit({ type: 'registered_model.tag_deleted', name, key });
  }

  getLatestVersions(name: string, stages: string[] | undefined): Promise<ModelVersion[]> {
    validateModelName(name);
    return this.store.getLatestVersions(name, stages?.map(parseStage));
  }

  async createModelVersion(input: {
    name: string;
    source: string;
    runId?: string;
    runLink?: string;
    modelId?: string;
    description?: string;
    tags: KeyValue[];
  }): Promise<ModelVersion> {
    validateModelName(input.name);
    input.tags.forEach(validateRegistryTag);
    const { sourceRun, ...lineage } = await this.resolveSource(input.source, input.runId, input.modelId);
    const userId = sourceRun ? sourceRun.user_id || undefined : lineage.runId ? await this.userOfRun(lineage.runId) : undefined;
    const version = await this.store.createModelVersion({ ...input, ...lineage, userId });
    this.emit({
      type: 'model_version.created',
      name: input.name,
      version: version.version,
      source: version.source,
      runId: version.run_id,
      modelId: version.model_id,
      tags: version.tags,
      description: version.description,
    });
    return version;
  }

  /**
   * Where a new version's files are, and its lineage. Local paths are refused: the registry
   * never points at the server's own file system.
   */
  private async resolveSource(
    source: string,
    runId: string | undefined,
    modelId: string | undefined,
  ): Promise<{ storageLocation: string; runId?: string; modelId?: string; /** The run of a runs:/ source, read once for both. */ sourceRun?: RunInfo }> {
    const refuse = (why: string) => MlflowError.invalid(`Invalid model version source: '${source}'. ${why}`);
    if (source.split(/[/\\]/).some((s) => s === '..' || s === '.')) {
      throw refuse('An absolute path without relative path references must be supplied.');
    }
    if (source.startsWith('/') || source.startsWith('file:') || /^[a-zA-Z]:[\\/]/.test(source) || !/^[a-z][a-z0-9+.-]*:/i.test(source)) {
      throw refuse('Local paths are not accepted as model version sources: log the model to a run or as a logged model first.');
    }
    const uri = parseModelUri(source);
    switch (uri.kind) {
      case 'run': {
        if (runId && runId !== uri.runId) throw refuse(`The run in the source does not match run_id '${runId}'.`);
        const run = await this.tracking.getRunInfo(uri.runId);
        return { storageLocation: joinArtifactUri(run.artifact_uri, uri.path), runId: uri.runId, modelId, sourceRun: run };
      }
      case 'logged-model': {
        if (modelId && modelId !== uri.modelId) throw refuse(`The logged model in the source does not match model_id '${modelId}'.`);
        const model = await this.tracking.getLoggedModel(uri.modelId);
        return {
          storageLocation: joinArtifactUri(model.info.artifact_uri, uri.path),
          runId: runId || model.info.source_run_id,
          modelId: uri.modelId,
        };
      }
      case 'artifact':
        return { storageLocation: source, runId, modelId };
      default: {
        // A version copied from another registered model shares its files.
        const resolved = await this.resolveModelUri(source);
        return { storageLocation: resolved.artifactUri, runId: runId || resolved.version?.run_id, modelId: modelId || resolved.version?.model_id };
      }
    }
  }

  /** Who made a version: the user of its source run (MLflow's client sends no user for versions). */
  private async userOfRun(runId: string): Promise<string | undefined> {
    try {
      return (await this.tracking.getRunInfo(runId)).user_id || undefined;
    } catch (err) {
      if (err instanceof MlflowError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw err;
    }
  }

  getModelVersion(name: string, version: string): Promise<ModelVersion> {
    validateModelName(name);
    return this.store.getModelVersion(name, version);
  }

  async updateModelVersion(name: string, version: string, description: string | undefined): Promise<ModelVersion> {
    validateModelName(name);
    const updated = await this.store.updateModelVersion(name, version, description);
    this.emit({ type: 'model_version.updated', name, version: updated.version });
    return updated;
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    validateModelName(name);
    const { removedAliases } = await this.store.deleteModelVersion(name, version);
    for (const alias of removedAliases) this.emit({ type: 'alias.deleted', name, alias, version: String(Number(version)) });
    this.emit({ type: 'model_version.deleted', name, version: String(Number(version)) });
  }

  async transitionStage(name: string, version: string, stage: string, archiveExisting: boolean): Promise<ModelVersion> {
    validateModelName(name);
    const updated = await this.store.transitionStage(name, version, parseStage(stage), archiveExisting);
    this.emit({ type: 'model_version.stage_changed', name, version: updated.version, stage: updated.current_stage });
    return updated;
  }

  searchModelVersions(query: RegistrySearch): Promise<Page<ModelVersion>> {
    return this.store.searchModelVersions(query);
  }

  getDownloadUri(name: string, version: string): Promise<string> {
    validateModelName(name);
    return this.store.getDownloadUri(name, version);
  }

  async setModelVersionTag(name: string, version: string, tag: KeyValue): Promise<void> {
    validateModelName(name);
    validateRegistryTag(tag);
    await this.store.setModelVersionTag(name, version, tag);
    this.emit({ type: 'model_version.tag_set', name, version: String(Number(version)), ...tag });
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    validateModelName(name);
    if (await this.store.deleteModelVersionTag(name, version, key)) {
      this.emit({ type: 'model_version.tag_deleted', name, version: String(Number(version)), key });
    }
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    validateModelName(name);
    validateAlias(alias, { forWrite: true });
    const { previousVersion } = await this.store.setAlias(name, alias, version);
    const current = String(Number(version));
    if (previousVersion === current) return; // pointing an alias where it already points changes nothing
    this.emit({ type: 'alias.set', name, alias, version: current, previousVersion });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    validateModelName(name);
    validateAlias(alias, { forWrite: false });
    const { version } = await this.store.deleteAlias(name, alias);
    if (version !== undefined) this.emit({ type: 'alias.deleted', name, alias, version });
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    validateModelName(name);
    validateAlias(alias, { forWrite: false });
    if (alias.toLowerCase() === 'latest') {
      const latest = (await this.store.getLatestVersions(name, undefined)).sort((a, b) => Number(b.version) - Number(a.version))[0];
      if (!latest) throw MlflowError.notFound(`Latest version not found for model ${name}.`);
      return latest;
    }
    return this.store.getVersionByAlias(name, alias);
  }

  /**
   * What a model URI points at: the artifact location of its files, and the registry version
   * when it names one. The one resolver that the CLI, the runtime and the broker use.
   */
  resolveModelUri(uri: string): Promise<ResolvedModelUri> {
    return resolveModelUri(uri, {
      getRun: async (runId) => ({ info: await this.tracking.getRunInfo(runId) }),
      getLoggedModel: (modelId) => this.tracking.getLoggedModel(modelId),
      getModelVersion: (name, version) => this.getModelVersion(name, version),
      getVersionByAlias: (name, alias) => this.getVersionByAlias(name, alias),
      getLatestVersions: (name, stages) => this.getLatestVersions(name, stages),
      getDownloadUri: (name, version) => this.store.getDownloadUri(name, version),
    });
  }
}
