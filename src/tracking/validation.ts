/**
 * MLflow's rules for what may be logged (mlflow/utils/validation.py): names, lengths, batch
 * sizes. Values over the length limit of params and tags are truncated, as MLflow does by
 * default; keys over their limit are refused.
 */
import { posix } from 'node:path';
import { MlflowError } from '../common/mlflow-error.js';
import type { KeyValue, Metric } from './entities.js';

export const LIMITS = {
  entityKey: 250,
  paramValue: 6000,
  tagValue: 8000,
  experimentName: 500,
  experimentTagKey: 250,
  experimentTagValue: 20000,
  metricsPerBatch: 1000,
  paramsTagsPerBatch: 100,
  entitiesPerBatch: 1000,
  datasetName: 500,
  datasetDigest: 36,
  datasetSource: 65535,
  datasetSchema: 1048575,
  datasetProfile: 16777215,
  inputTagKey: 255,
  inputTagValue: 500,
} as const;

const NAME_PATTERN = /^[/\w.\- :]*$/u;

function invalidValue(path: string, value: unknown, message: string): MlflowError {
  return MlflowError.invalid(`Invalid value ${JSON.stringify(value)} for parameter '${path}' supplied: ${message}`);
}

export function exceedsMaximumLength(path: string, limit: number): MlflowError {
  return MlflowError.invalid(`'${path}' exceeds the maximum length of ${limit} characters`);
}

/** Metric, param and tag names: MLflow treats them as file names in places, so they must not resolve to another name. */
export function validateName(name: string, path: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw invalidValue(
      path,
      name,
      'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).',
    );
  }
  const norm = posix.normalize(name);
  if (norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    throw invalidValue(
      path,
      name,
      `Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
    );
  }
}

export function checkLength(path: string, limit: number, value: string): void {
  if (value.length > limit) throw exceedsMaximumLength(path, limit);
}

function truncated(value: string, limit: number): string {
  return value.length > limit ? value.slice(0, limit) : value;
}

export function validateMetric(m: Metric, path = ''): void {
  const at = (f: string) => (path ? `${path}.${f}` : f);
  validateName(m.key, at('name'));
  if (m.timestamp < 0) {
    throw invalidValue(at('timestamp'), m.timestamp, `metric '${m.key}' (value=${m.value}). Timestamp must be a nonnegative long (64-bit integer) `);
  }
  checkLength('Metric name', LIMITS.entityKey, m.key);
}

export function validateParam(p: KeyValue, path = ''): KeyValue {
  validateName(p.key, path ? `${path}.key` : 'key');
  checkLength('Param key', LIMITS.entityKey, p.key);
  return { key: p.key, value: truncated(p.value, LIMITS.paramValue) };
}

export function validateTag(t: KeyValue, path = ''): KeyValue {
  const at = (f: string) => (path ? `${path}.${f}` : f);
  validateName(t.key, at('key'));
  checkLength(at('key'), LIMITS.entityKey, t.key);
  return { key: t.key, value: truncated(t.value, LIMITS.tagValue) };
}

export function validateExperimentName(name: string): void {
  if (name === '') throw MlflowError.invalid(`Invalid experiment name: '${name}'`);
  checkLength('name', LIMITS.experimentName, name);
}

export function validateExperimentTag(t: KeyValue): void {
  validateName(t.key, 'key');
  checkLength('key', LIMITS.experimentTagKey, t.key);
  checkLength('value', LIMITS.experimentTagValue, t.value);
}

const RUN_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,255}$/;

export function validateRunId(runId: string, path = 'run_id'): void {
  if (!RUN_ID_PATTERN.test(runId)) throw MlflowError.invalid(`Invalid value ${JSON.stringify(runId)} for parameter '${path}' supplied.`);
}

function batchLimit(entity: string, limit: number, length: number): void {
  if (length > limit) {
    throw MlflowError.invalid(
      `A batch logging request can contain at most ${limit} ${entity}. Got ${length} ${entity}. Please split up ${entity} across multiple requests and try again.`,
    );
  }
}

/** The limits and names of a log-batch; returns params and tags with over-long values truncated. */
export function validateBatch(batch: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }): {
  metrics: Metric[];
  params: KeyValue[];
  tags: KeyValue[];
} {
  batchLimit('metrics', LIMITS.metricsPerBatch, batch.metrics.length);
  batchLimit('params', LIMITS.paramsTagsPerBatch, batch.params.length);
  batchLimit('tags', LIMITS.paramsTagsPerBatch, batch.tags.length);
  batchLimit('metrics, params, and tags', LIMITS.entitiesPerBatch, batch.metrics.length + batch.params.length + batch.tags.length);
  batch.metrics.forEach((m, i) => validateMetric(m, `metrics[${i}]`));
  const params = batch.params.map((p, i) => validateParam(p, `params[${i}]`));
  const seen = new Map<string, string>();
  for (const p of params) {
    if (seen.has(p.key) && seen.get(p.key) !== p.value) {
      throw MlflowError.invalid(
        `Duplicate parameter keys have been submitted: ['${p.key}']. Please ensure the request contains only one param value per param key.`,
      );
    }
    seen.set(p.key, p.value);
  }
  const tags = batch.tags.map((t, i) => validateTag(t, `tags[${i}]`));
  return { metrics: batch.metrics, params: [...new Map(params.map((p) => [p.key, p])).values()], tags };
}
