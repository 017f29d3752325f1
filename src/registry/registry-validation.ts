/** MLflow's rules for registry names, aliases and tags (mlflow/utils/validation.py). */
import { posix } from 'node:path';
import { MlflowError } from '../common/mlflow-error.js';
import { checkLength, validateName } from '../tracking/validation.js';
import type { KeyValue } from './entities.js';

const TAG_KEY_LIMIT = 250;
const TAG_VALUE_LIMIT = 100_000;
const ALIAS_LIMIT = 255;

export function validateModelName(name: string, field = 'name'): void {
  if (name.trim() === '') throw MlflowError.invalid(`Missing value for required parameter '${field}'.`);
  if (name.includes('/') || name.includes(':')) {
    throw MlflowError.invalid(`Invalid model name '${name}'. Names cannot contain '/' or ':'.`);
  }
  const norm = posix.normalize(name);
  if (norm !== name || norm === '.' || norm.startsWith('..')) {
    throw MlflowError.invalid(
      `Invalid value ${JSON.stringify(name)} for parameter '${field}' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
    );
  }
}

export function validateAlias(alias: string, { forWrite }: { forWrite: boolean }): void {
  if (alias === '') throw MlflowError.invalid('Registered model alias name cannot be empty.');
  if (!/^[\w-]*$/.test(alias)) {
    throw MlflowError.invalid(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
  }
  checkLength('Registered model alias name', ALIAS_LIMIT, alias);
  if (!forWrite) return;
  if (alias.toLowerCase() === 'latest') throw MlflowError.invalid("'latest' alias name (case insensitive) is reserved.");
  if (/^[vV]\d+$/.test(alias)) throw MlflowError.invalid(`Version alias name '${alias}' is reserved.`);
}

export function validateRegistryTag(tag: KeyValue): void {
  validateName(tag.key, 'key');
  checkLength('key', TAG_KEY_LIMIT, tag.key);
  checkLength('value', TAG_VALUE_LIMIT, tag.value);
}
