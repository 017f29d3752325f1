/** The registry store over SQL, sharing the tracking store's database. */
import type { RegistryStore } from '../../registry/registry-store.js';
import { ModelVersionsRepository } from './model-versions-repository.js';
import type { SqlDatabase } from './open-database.js';
import { RegisteredModelsRepository } from './registered-models-repository.js';

export function sqlRegistryStore(database: SqlDatabase): RegistryStore {
  const models = new RegisteredModelsRepository(database.db, database.dialect);
  const versions = new ModelVersionsRepository(database.db, models, database.dialect);
  return {
    createRegisteredModel: (name, input) => models.create(name, input),
    getRegisteredModel: (name) => models.get(name),
    renameRegisteredModel: (name, newName) => models.rename(name, newName),
    updateRegisteredModel: (name, description) => models.update(name, description),
    deleteRegisteredModel: (name) => models.delete(name),
    searchRegisteredModels: (query) => models.search(query),
    setRegisteredModelTag: (name, tag) => models.setTag(name, tag),
    deleteRegisteredModelTag: (name, key) => models.deleteTag(name, key),
    getLatestVersions: (name, stages) => versions.latest(name, stages),

    createModelVersion: (input) => versions.create(input),
    getModelVersion: (name, version) => versions.get(name, version),
    updateModelVersion: (name, version, description) => versions.update(name, version, description),
    deleteModelVersion: (name, version) => versions.delete(name, version),
    transitionStage: (name, version, stage, archive) => versions.transitionStage(name, version, stage, archive),
    searchModelVersions: (query) => versions.search(query),
    getDownloadUri: (name, version) => versions.downloadUri(name, version),
    setModelVersionTag: (name, version, tag) => versions.setTag(name, version, tag),
    deleteModelVersionTag: (name, version, key) => versions.deleteTag(name, version, key),

    setAlias: (name, alias, version) => versions.setAlias(name, alias, version),
    deleteAlias: (name, alias) => versions.deleteAlias(name, alias),
    getVersionByAlias: (name, alias) => versions.byAlias(name, alias),
    registrationsOf: (modelIds) => versions.registrationsOf(modelIds),
  };
}
