/**
 * The registry store boundary. Implementations check existence (unknown names and versions are
 * RESOURCE_DOES_NOT_EXIST) and uniqueness; the service above validates names and emits events.
 * Mutations that events describe return what changed, so the service never re-reads.
 */
import type { KeyValue, ModelVersion, Page, RegisteredModel, Stage } from './entities.js';

export interface RegistrySearch {
  filter?: string;
  orderBy?: string[];
  maxResults: number;
  pageToken?: string;
}

export interface CreateModelVersionInput {
  name: string;
  source: string;
  /** Where the files are: the source resolved to an artifact location. */
  storageLocation: string;
  runId?: string;
  runLink?: string;
  modelId?: string;
  description?: string;
  userId?: string;
  tags: KeyValue[];
}

export interface RegistryStore {
  createRegisteredModel(name: string, input: { tags: KeyValue[]; description?: string; userId?: string }): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, description: string | undefined): Promise<RegisteredModel>;
  deleteRegisteredModel(name: string): Promise<void>;
  searchRegisteredModels(query: RegistrySearch): Promise<Page<RegisteredModel>>;
  setRegisteredModelTag(name: string, tag: KeyValue): Promise<void>;
  /** Whether the tag was there; an absent tag is no error (as MLflow). */
  deleteRegisteredModelTag(name: string, key: string): Promise<boolean>;
  getLatestVersions(name: string, stages: Stage[] | undefined): Promise<ModelVersion[]>;

  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  updateModelVersion(name: string, version: string, description: string | undefined): Promise<ModelVersion>;
  /** Returns the aliases that pointed at the deleted version (they are deleted with it). */
  deleteModelVersion(name: string, version: string): Promise<{ removedAliases: string[] }>;
  transitionStage(name: string, version: string, stage: Stage, archiveExisting: boolean): Promise<ModelVersion>;
  searchModelVersions(query: RegistrySearch): Promise<Page<ModelVersion>>;
  /** Where the version's files are (its storage location). */
  getDownloadUri(name: string, version: string): Promise<string>;
  setModelVersionTag(name: string, version: string, tag: KeyValue): Promise<void>;
  /** Whether the tag was there; an absent tag is no error (as MLflow). */
  deleteModelVersionTag(name: string, version: string, key: string): Promise<boolean>;

  /** Points `alias` at `version`; returns the version it pointed at before, if any. */
  setAlias(name: string, alias: string, version: string): Promise<{ previousVersion?: string }>;
  /** Returns the version the deleted alias pointed at; an absent alias is no error (as MLflow). */
  deleteAlias(name: string, alias: string): Promise<{ version?: string }>;
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  /** Registrations of logged models (MLflow 3 shows them on the logged model). */
  registrationsOf(modelIds: string[]): Promise<Map<string, { name: string; version: string }[]>>;
}
