/**
 * Model URIs, parsed in one place for every part of Aviary: the registry, the CLI, the runtime
 * and the broker. `models:/name/3`, `models:/name@alias`, `models:/name/latest`,
 * `models:/name/Production` (a stage), `models:/m-<id>` (an MLflow 3 logged model), each
 * optionally followed by a path inside the model; `runs:/<run id>/path`; and artifact
 * locations (`mlflow-artifacts:/...`), which are already where the files are.
 */
import { MlflowError } from '../common/mlflow-error.js';
import { STAGES, type Stage } from './entities.js';

export type ModelUri =
  | { readonly kind: 'version'; readonly name: string; readonly version: string; readonly path: string }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string; readonly path: string }
  | { readonly kind: 'latest'; readonly name: string; readonly stage?: Stage; readonly path: string }
  | { readonly kind: 'logged-model'; readonly modelId: string; readonly path: string }
  | { readonly kind: 'run'; readonly runId: string; readonly path: string }
  | { readonly kind: 'artifact'; readonly uri: string };

function invalid(uri: string, why: string): MlflowError {
  return MlflowError.invalid(`Invalid model URI '${uri}': ${why}`);
}

export function parseModelUri(uri: string): ModelUri {
  if (uri.startsWith('models:')) return parseModelsUri(uri);
  if (uri.startsWith('runs:')) {
    const rest = uri.slice('runs:'.length).replace(/^\/+/, '');
    const [runId, ...path] = rest.split('/');
    if (!runId) throw invalid(uri, 'expected runs:/<run id>/<path>');
    return { kind: 'run', runId, path: path.join('/') };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return { kind: 'artifact', uri };
  throw invalid(uri, 'expected models:/..., runs:/... or an artifact location such as mlflow-artifacts:/...');
}

function parseModelsUri(uri: string): ModelUri {
  const body = uri.slice('models:'.length);
  if (!body.startsWith('/') || body.startsWith('//')) {
    throw invalid(uri, 'expected models:/<name>/<version>, models:/<name>@<alias> or models:/m-<id> (a registry host is not supported)');
  }
  const parts = body.slice(1).split('/');
  const head = parts[0] ?? '';
  if (head === '') throw invalid(uri, 'the model name is empty');
  if (/^m-[0-9a-f]{32}$/.test(head)) return { kind: 'logged-model', modelId: head, path: parts.slice(1).join('/') };
  const at = head.indexOf('@');
  if (at >= 0) {
    const name = head.slice(0, at);
    const alias = head.slice(at + 1);
    if (!name || !alias) throw invalid(uri, 'expected models:/<name>@<alias>');
    return { kind: 'alias', name, alias, path: parts.slice(1).join('/') };
  }
  const selector = parts[1];
  if (!selector) throw invalid(uri, 'expected a version, an alias, "latest" or a stage after the name');
  const path = parts.slice(2).join('/');
  if (/^\d+$/.test(selector)) return { kind: 'version', name: head, version: selector, path };
  if (selector.toLowerCase() === 'latest') return { kind: 'latest', name: head, path };
  const stage = STAGES.find((s) => s.toLowerCase() === selector.toLowerCase());
  if (stage) return { kind: 'latest', name: head, stage, path };
  throw invalid(uri, `'${selector}' is neither a version number, "latest", nor a stage (${STAGES.join(', ')})`);
}

/** Joins an artifact location and a relative path inside it. */
export function joinArtifactUri(base: string, path: string): string {
  if (!path) return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
