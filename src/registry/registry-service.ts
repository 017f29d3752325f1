/**
 * The registry domain's entry point: MLflow's validation, source resolution for new versions,
 * then the store; every committed change is announced on the event stream.
 */
import { MlflowError } from '../common/mlflow-error.js';
import type { RunInfo } from '../tracking/entities.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import { STAGES, type KeyValue, type ModelVersion, type Page, type RegisteredModel, type Stage } from './entities.js';
import { pythonJsonDumps } from '../common/python-json.js';
import { joinArtifactUri, parseModelUri } from './model-uri.js';
import { checkSourceOfLoggedModel, checkSourceOfRun, checkSourcePattern, isLocalUri, splitUri, type SourceOwners } from './model-version-source.js';
import type { RegistryEvent, RegistryEvents } from './registry-events.js';
import type { RegistrySearch, RegistryStore } from './registry-store.js';
import { resolveModelUri, type ResolvedModelUri } from './resolve-model-uri.js';
import { validateAlias, validateModelName, validateRegistryTag } from './registry-validation.js';

interface CreateVersionInput {
  name: string;
  source: string;
  runId?: string;
  runLink?: string;
  modelId?: string;
  description?: string;
  tags: KeyValue[];
}

/** The logged-model tag listing the registry versions made from it (MLflow's name). */
const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

/** MLflow reads the pattern at each request; one that does not compile is the server's configuration error. */
function sourcePatternFromEnv(env: NodeJS.ProcessEnv): RegExp | undefined {
  const text = env.MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX;
  if (!text) return undefined;
  try {
    return new RegExp(text);
  } catch (err) {
    throw new MlflowError(
      'INTERNAL_ERROR',
      `MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX is not a valid regular expression (${(err as Error).message}): fix the server's environment`,
    );
  }
}

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

  /** A version made by this process (trusted callers); requests go through registerModelVersion. */
  async createModelVersion(input: CreateVersionInput): Promise<ModelVersion> {
    validateModelName(input.name);
    input.tags.forEach(validateRegistryTag);
    const { sourceRun, ...lineage } = await this.resolveSource(input.source, input.runId, input.modelId);
    // A version of a logged model without a run_id takes the model's run, as MLflow's store does.
    if (!lineage.runId && lineage.modelId) lineage.runId = (await this.tracking.getLoggedModel(lineage.modelId)).info.source_run_id || undefined;
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
   * What POST model-versions/create does, as MLflow's handler: the source checked against
   * MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX and against the run or logged model
   * named beside it (model-version-source.ts), a registered model's version as source taken with
   * its lineage, then the version made; one made from a logged model is listed in that model's
   * `mlflow.modelVersions` tag. `hasRunId`/`hasModelId`: whether the request carried the field.
   */
  async registerModelVersion(input: CreateVersionInput & { hasRunId: boolean; hasModelId: boolean }): Promise<ModelVersion> {
    validateModelName(input.name);
    checkSourcePattern(input.source, sourcePatternFromEnv(process.env));
    const { source, runId, modelId } = await this.registeredSourceLineage(input);
    const owners: SourceOwners = {
      runArtifactUri: async (id) => (await this.findOrUndefined(() => this.tracking.getRunInfo(id)))?.artifact_uri,
      loggedModelArtifactUri: async (id) => (await this.findOrUndefined(() => this.tracking.getLoggedModel(id)))?.info.artifact_uri,
    };
    if (modelId) await checkSourceOfLoggedModel(source, modelId, owners);
    else await checkSourceOfRun(source, runId, owners);
    const version = await this.createModelVersion({ ...input, source, runId, modelId });
    if (modelId) await this.listVersionOnLoggedModel(modelId, input.name, version.version);
    return version;
  }

  /** A `models:/<name>/<version|alias|stage>` source stands for that version: its own source and lineage. */
  private async registeredSourceLineage(input: {
    source: string;
    runId?: string;
    modelId?: string;
    hasRunId: boolean;
    hasModelId: boolean;
  }): Promise<{ source: string; runId?: string; modelId?: string }> {
    const { source, runId, modelId } = input;
    const { scheme, netloc } = splitUri(source);
    if (scheme !== 'models') return { source, runId, modelId };
    if (netloc) {
      throw MlflowError.invalid(`Invalid model version source: '${source}'. Registered model sources must use the active model registry.`);
    }
    const uri = parseModelUri(source);
    if (uri.kind === 'logged-model' || uri.kind === 'run' || uri.kind === 'artifact') return { source, runId, modelId };
    const { version } = await this.resolveModelUri(source);
    if (!version) return { source, runId, modelId };
    if ((input.hasRunId && (runId ?? '') !== (version.run_id ?? '')) || (input.hasModelId && (modelId ?? '') !== (version.model_id ?? ''))) {
      throw MlflowError.invalid(
        `Invalid model version source: '${source}'. The run_id and model_id request parameters must match the referenced model version.`,
      );
    }
    return {
      source: `models:/${version.name}/${version.version}`,
      runId: input.hasRunId ? runId : version.run_id || undefined,
      modelId: input.hasModelId ? modelId : version.model_id || undefined,
    };
  }

  /** MLflow's `mlflow.modelVersions` tag of a logged model: a JSON list of {"name", "version"}, each once. */
  private async listVersionOnLoggedModel(modelId: string, name: string, version: string): Promise<void> {
    const model = await this.tracking.getLoggedModel(modelId);
    const entry = { name, version: Number(version) };
    const current = model.info.tags.find((t) => t.key === MODEL_VERSIONS_TAG)?.value;
    let listed: unknown[] = [];
    try {
      const parsed: unknown = current ? JSON.parse(current) : [];
      if (Array.isArray(parsed)) listed = parsed;
    } catch {
      // a tag someone overwrote with something else is started again
    }
    const present = listed.some((e) => typeof e === 'object' && e !== null && JSON.stringify(e) === JSON.stringify(entry));
    const value = pythonJsonDumps(present ? listed : [...listed, entry]);
    await this.tracking.setLoggedModelTags(modelId, [{ key: MODEL_VERSIONS_TAG, value }]);
  }

  private async findOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (err) {
      if (err instanceof MlflowError && (err.code === 'RESOURCE_DOES_NOT_EXIST' || err.code === 'INVALID_PARAMETER_VALUE')) return undefined;
      throw err;
    }
  }

  /**
   * Where a new version's files are, and its lineage. A runs:/ source whose run exists, a logged
   * model and a registered version resolve to their artifact location; any other source (and a
   * runs:/ source naming no run, which MLflow records as given) is kept as it is.
   */
  private async resolveSource(
    source: string,
    runId: string | undefined,
    modelId: string | undefined,
  ): Promise<{ storageLocation: string; runId?: string; modelId?: string; /** The run of a runs:/ source, read once for both. */ sourceRun?: RunInfo }> {
    if (isLocalUri(source)) return { storageLocation: source, runId, modelId };
    const uri = parseModelUri(source);
    switch (uri.kind) {
      case 'run': {
        const run = await this.findOrUndefined(() => this.tracking.getRunInfo(uri.runId));
        if (!run) return { storageLocation: source, runId: runId || uri.runId, modelId };
        return { storageLocation: joinArtifactUri(run.artifact_uri, uri.path), runId: runId || uri.runId, modelId, sourceRun: run };
      }
      case 'logged-model': {
        const model = await this.tracking.getLoggedModel(uri.modelId);
        return {
          storageLocation: joinArtifactUri(model.info.artifact_uri, uri.path),
          runId: runId || model.info.source_run_id,
          modelId: modelId || uri.modelId,
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
    return (await this.findOrUndefined(() => this.tracking.getRunInfo(runId)))?.user_id || undefined;
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
