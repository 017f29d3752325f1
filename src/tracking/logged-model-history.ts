/**
 * A run's `mlflow.log-model.history` tag: what the client's LogModel (`runs/log-model`) records
 * each time a model is logged in the run, as MLflow's Model.get_tags_dict keeps it.
 */
import { randomUUID } from 'node:crypto';
import { MlflowError } from '../common/mlflow-error.js';

export const LOGGED_MODELS_HISTORY_TAG = 'mlflow.log-model.history';

const MANDATORY_FIELDS = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'] as const;

/** The history's new value: the previous one (a JSON list, or none) with this model appended. */
export function appendToModelHistory(previous: string | undefined, modelJson: string): string {
  const entry = historyEntry(modelJson);
  const history: unknown = previous === undefined ? [] : JSON.parse(previous);
  return JSON.stringify([...(Array.isArray(history) ? history : []), entry]);
}

/** The model's identity, where and when it was logged, and its flavors without their `config` (which can be large). */
function historyEntry(modelJson: string): Record<string, unknown> {
  let model: unknown;
  try {
    model = JSON.parse(modelJson);
  } catch {
    model = undefined;
  }
  if (typeof model !== 'object' || model === null || Array.isArray(model)) {
    throw MlflowError.invalid(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
  }
  const fields = model as Record<string, unknown>;
  const missing = MANDATORY_FIELDS.filter((f) => !(f in fields));
  if (missing.length > 0) throw MlflowError.invalid(`Model json is missing mandatory fields: {${missing.map((f) => `'${f}'`).join(', ')}}`);
  const flavors = typeof fields.flavors === 'object' && fields.flavors !== null ? (fields.flavors as Record<string, unknown>) : {};
  return {
    run_id: fields.run_id,
    artifact_path: fields.artifact_path,
    utc_time_created: String(fields.utc_time_created),
    // A model written without one gets a new id, as MLflow's Model does.
    model_uuid: 'model_uuid' in fields ? fields.model_uuid : randomUUID().replace(/-/g, ''),
    flavors: Object.fromEntries(Object.entries(flavors).map(([name, config]) => [name, withoutConfig(config)])),
  };
}

function withoutConfig(config: unknown): unknown {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return config;
  return Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'config'));
}
