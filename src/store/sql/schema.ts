/**
 * The tables of the SQL store, as Kysely sees them. One definition serves SQLite and
 * PostgreSQL: booleans are stored as 0/1 integers and times as epoch milliseconds (BIGINT),
 * so no dialect-specific type leaks into the domain code.
 */
import type { Generated } from 'kysely';
import type { AuthTables } from './auth-schema.js';

export interface ExperimentsTable {
  experiment_id: Generated<number>;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export interface ExperimentTagsTable {
  experiment_id: number;
  key: string;
  value: string;
}

export interface RunsTable {
  run_uuid: string;
  name: string;
  experiment_id: number;
  user_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  deleted_time: number | null;
  lifecycle_stage: string;
  artifact_uri: string;
}

/** Shared shape of tags and params (of runs and of logged models). */
export interface RunKeyValueTable {
  run_uuid: string;
  key: string;
  value: string;
}

export interface MetricsTable {
  run_uuid: string;
  key: string;
  /** 0 when `is_nan` is 1: SQLite turns a NaN into NULL, so NaN is kept as a flag, as MLflow does. */
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
  model_id: string | null;
  dataset_name: string | null;
  dataset_digest: string | null;
}

/** The newest value of each metric of a run (max step, then timestamp, then value): what search filters and sorts on. */
export interface LatestMetricsTable {
  run_uuid: string;
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
}

export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: number;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

export interface RunDatasetInputsTable {
  run_uuid: string;
  dataset_uuid: string;
}

export interface RunDatasetInputTagsTable {
  run_uuid: string;
  dataset_uuid: string;
  key: string;
  value: string;
}

export interface RunModelLinksTable {
  run_uuid: string;
  model_id: string;
  /** 'input' or 'output' */
  direction: string;
  step: number;
}

export interface LoggedModelsTable {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  status: string;
  lifecycle_stage: string;
  model_type: string | null;
  source_run_id: string | null;
  status_message: string | null;
}

export interface LoggedModelKeyValueTable {
  model_id: string;
  key: string;
  value: string;
}

export interface LoggedModelMetricsTable {
  model_id: string;
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
  run_id: string;
  dataset_name: string | null;
  dataset_digest: string | null;
}

export interface RegisteredModelsTable {
  registered_model_id: Generated<number>;
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description: string | null;
  user_id: string | null;
  last_version: number;
}

export interface RegisteredModelTagsTable {
  registered_model_id: number;
  key: string;
  value: string;
}

export interface ModelVersionsTable {
  registered_model_id: number;
  version: number;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string | null;
  current_stage: string;
  description: string | null;
  /** The URI the version was created from (`runs:/...`, `models:/m-...`, a location). */
  source: string;
  /** Where its files are: what get-download-uri answers. */
  storage_location: string;
  run_id: string | null;
  run_link: string | null;
  model_id: string | null;
  status: string;
  status_message: string | null;
}

export interface ModelVersionTagsTable {
  registered_model_id: number;
  version: number;
  key: string;
  value: string;
}

export interface RegisteredModelAliasesTable {
  registered_model_id: number;
  alias: string;
  version: number;
}

export interface WebhooksTable {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  /** 'ACTIVE' or 'DISABLED' */
  status: string;
  /** Leaves the store only inside a WebhookTarget, to sign deliveries. */
  secret: string | null;
  /** 1: `secret` is a Fernet token; 0: plain text, from before encryption at rest. */
  secret_encrypted: Generated<number>;
  creation_timestamp: number;
  last_updated_timestamp: number;
}

/** One row per event a webhook listens to, stored as MLflow's lower-case values ('model_version_tag', 'set'). */
export interface WebhookEventsTable {
  webhook_id: string;
  entity: string;
  action: string;
  /** The order the user listed the events in: the test endpoint's default is the first. */
  position: number;
}

export interface Database extends AuthTables {
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  run_tags: RunKeyValueTable;
  run_params: RunKeyValueTable;
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  datasets: DatasetsTable;
  run_dataset_inputs: RunDatasetInputsTable;
  run_dataset_input_tags: RunDatasetInputTagsTable;
  run_model_links: RunModelLinksTable;
  logged_models: LoggedModelsTable;
  logged_model_tags: LoggedModelKeyValueTable;
  logged_model_params: LoggedModelKeyValueTable;
  logged_model_metrics: LoggedModelMetricsTable;
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
}
