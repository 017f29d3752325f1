/** Schema pieces shared by the MLflow routes, mirroring the proto messages they stand for. */
import { LOGGED_MODEL_STATUSES, RUN_STATUSES } from '../../tracking/entities.js';
import { double, enumOf, int64, list, message, string } from '../schema.js';

export const keyValue = message({ key: string().req(), value: string() });
export const keyValues = () => list(keyValue);

export const viewType = () => enumOf(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const);
export const runStatus = () => enumOf(RUN_STATUSES);
export const loggedModelStatus = () => enumOf(LOGGED_MODEL_STATUSES);

export const metric = message({
  key: string().req(),
  value: double().req(),
  timestamp: int64().req(),
  step: int64(),
  model_id: string(),
  dataset_name: string(),
  dataset_digest: string(),
});

export const dataset = message({
  name: string().req(),
  digest: string().req(),
  source_type: string().req(),
  source: string().req(),
  schema: string(),
  profile: string(),
});

/** Tags arrive as `{key, value}` with value possibly absent (proto's unset string): it reads as "". */
export function keyValuesOf(items: { key: string; value?: string }[] | undefined) {
  return (items ?? []).map((i) => ({ key: i.key, value: i.value ?? '' }));
}
