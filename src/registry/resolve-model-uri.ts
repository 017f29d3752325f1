/**
 * What a model URI points at: the artifact location of its files, and the registry version when
 * it names one. The lookups come from this process's stores (RegistryService) or from a
 * tracking server's REST API (runtime/remote-model-store/), so both resolve URIs alike.
 */
import { MlflowError } from '../common/mlflow-error.js';
import type { ModelVersion } from './entities.js';
import { joinArtifactUri, parseModelUri } from './model-uri.js';

export interface ResolvedModelUri {
  readonly artifactUri: string;
  readonly version?: ModelVersion;
}

/** The reads resolving needs, named as MLflow's endpoints. */
export interface ModelUriLookups {
  getRun(runId: string): Promise<{ readonly info: { readonly artifact_uri: string } }>;
  getLoggedModel(modelId: string): Promise<{ readonly info: { readonly artifact_uri: string } }>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  /** The newest version of each stage, or of the stages named. */
  getLatestVersions(name: string, stages: string[] | undefined): Promise<ModelVersion[]>;
  getDownloadUri(name: string, version: string): Promise<string>;
}

export async function resolveModelUri(uri: string, lookups: ModelUriLookups): Promise<ResolvedModelUri> {
  const parsed = parseModelUri(uri);
  switch (parsed.kind) {
    case 'artifact':
      return { artifactUri: parsed.uri };
    case 'run': {
      const run = await lookups.getRun(parsed.runId);
      return { artifactUri: joinArtifactUri(run.info.artifact_uri, parsed.path) };
    }
    case 'logged-model': {
      const model = await lookups.getLoggedModel(parsed.modelId);
      return { artifactUri: joinArtifactUri(model.info.artifact_uri, parsed.path) };
    }
    case 'version':
    case 'alias':
    case 'latest': {
      let version: ModelVersion;
      if (parsed.kind === 'version') version = await lookups.getModelVersion(parsed.name, parsed.version);
      else if (parsed.kind === 'alias') version = await lookups.getVersionByAlias(parsed.name, parsed.alias);
      else {
        const candidates = await lookups.getLatestVersions(parsed.name, parsed.stage ? [parsed.stage] : undefined);
        const newest = candidates.sort((a, b) => Number(b.version) - Number(a.version))[0];
        if (!newest) throw MlflowError.notFound(`No versions of model ${parsed.name}${parsed.stage ? ` in stage ${parsed.stage}` : ''} found.`);
        version = newest;
      }
      const base = await lookups.getDownloadUri(version.name, version.version);
      // A version registered from a runs:/ source before its run existed keeps that source.
      const stored = base.startsWith('runs:') ? parseModelUri(base) : undefined;
      const files = stored?.kind === 'run' ? joinArtifactUri((await lookups.getRun(stored.runId)).info.artifact_uri, stored.path) : base;
      return { artifactUri: joinArtifactUri(files, parsed.path), version };
    }
  }
}
