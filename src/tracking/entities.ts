/**
 * Tracking entities, shaped as MLflow's proto messages (mlflow/protos/service.proto) so the
 * HTTP layer can send them as they are. Optional fields are left out when unset, as proto2 does.
 */
export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  last_update_time: number;
  creation_time: number;
  tags: KeyValue[];
}

export interface RunInfo {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  dataset_name?: string;
  dataset_digest?: string;
  model_id?: string;
  run_id?: string;
}

export interface Dataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

/** A dataset some run of an experiment used, with the context it was used in (`mlflow.data.context`: training, eval...). */
export interface DatasetSummary {
  experiment_id: string;
  name: string;
  digest: string;
  context?: string;
}

export interface DatasetInput {
  tags: KeyValue[];
  dataset: Dataset;
}

export interface Run {
  info: RunInfo;
  data: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] };
  inputs: { dataset_inputs: DatasetInput[]; model_inputs: { model_id: string }[] };
  outputs: { model_outputs: { model_id: string; step: number }[] };
}

export const LOGGED_MODEL_STATUSES = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
] as const;
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];

export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    creation_timestamp_ms: number;
    last_updated_timestamp_ms: number;
    artifact_uri: string;
    status: LoggedModelStatus;
    model_type?: string;
    source_run_id?: string;
    status_message?: string;
    tags: KeyValue[];
    registrations: { name: string; version: string }[];
  };
  data: { params: KeyValue[]; metrics: Metric[] };
}

/** One page of a search; `nextPageToken` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}
