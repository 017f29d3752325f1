/** Registered models and versions for the registry search tests, written straight into the tables. Used by tests only. */
import type { SqlDatabase } from '../open-database.js';

export async function insertRegisteredModel(
  { db }: SqlDatabase,
  seed: { id: number; name: string; created?: number; updated?: number; tags?: Record<string, string> },
): Promise<void> {
  await db
    .insertInto('registered_models')
    .values({
      registered_model_id: seed.id,
      name: seed.name,
      creation_timestamp: seed.created ?? 1000,
      last_updated_timestamp: seed.updated ?? seed.created ?? 1000,
      description: null,
      user_id: null,
      last_version: 0,
    })
    .execute();
  for (const [key, value] of Object.entries(seed.tags ?? {})) {
    await db.insertInto('registered_model_tags').values({ registered_model_id: seed.id, key, value }).execute();
  }
}

export async function insertModelVersion(
  { db }: SqlDatabase,
  seed: { modelId: number; version: number; runId?: string | null; source?: string; created?: number; updated?: number; tags?: Record<string, string> },
): Promise<void> {
  await db
    .insertInto('model_versions')
    .values({
      registered_model_id: seed.modelId,
      version: seed.version,
      creation_timestamp: seed.created ?? 1000,
      last_updated_timestamp: seed.updated ?? seed.created ?? 1000,
      user_id: null,
      current_stage: 'None',
      description: null,
      source: seed.source ?? `models:/m-${seed.modelId}-${seed.version}`,
      storage_location: `mlflow-artifacts:/${seed.modelId}/${seed.version}`,
      run_id: seed.runId === undefined ? null : seed.runId,
      run_link: null,
      model_id: null,
      status: 'READY',
      status_message: null,
    })
    .execute();
  for (const [key, value] of Object.entries(seed.tags ?? {})) {
    await db.insertInto('model_version_tags').values({ registered_model_id: seed.modelId, version: seed.version, key, value }).execute();
  }
}
