/** The UI's URLs, in one place. */
const query = (params?: Record<string, string>) => (params && Object.keys(params).length > 0 ? `?${new URLSearchParams(params).toString()}` : '');

export const paths = {
  experiments: () => '/experiments',
  experiment: (experimentId: string, params?: Record<string, string>) => `/experiments/${encodeURIComponent(experimentId)}${query(params)}`,
  run: (experimentId: string, runId: string) => `/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`,
  /** Runs to compare, in the given order. */
  compare: (experimentId: string, runIds: readonly string[]) => `/experiments/${encodeURIComponent(experimentId)}/compare${query({ runs: runIds.join(',') })}`,
  models: () => '/models',
  model: (name: string) => `/models/${encodeURIComponent(name)}`,
  broker: () => '/broker',
  /** A broker module: its status, its shadows against it, and promotion. */
  module: (name: string, params?: Record<string, string>) => `/broker/modules/${encodeURIComponent(name)}${query(params)}`,
  /** Alert search: by object id or a filter expression. */
  alerts: (params?: Record<string, string>) => `/alerts${query(params)}`,
  /** An alert by its exact id (digits; never a JS number). */
  alert: (alertId: string, survey?: string) => `/alerts/${encodeURIComponent(alertId)}${query(survey ? { survey } : undefined)}`,
  object: (objectId: string) => `/objects/${encodeURIComponent(objectId)}`,
  /** The signed-in user's access tokens (authentication on). */
  tokens: () => '/tokens',
};

export type Page =
  | { kind: 'experiments' }
  | { kind: 'runs'; experimentId: string }
  | { kind: 'run'; experimentId: string; runId: string }
  | { kind: 'compare'; experimentId: string }
  | { kind: 'models' }
  | { kind: 'model'; name: string }
  | { kind: 'broker' }
  | { kind: 'module'; name: string }
  | { kind: 'alerts' }
  | { kind: 'alert'; alertId: string }
  | { kind: 'object'; objectId: string }
  | { kind: 'tokens' }
  | { kind: 'not-found' };

export function pageOf(path: string): Page {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { kind: 'experiments' };
  const [head, id, sub, subId] = parts;
  if (head === 'experiments') {
    if (parts.length === 1) return { kind: 'experiments' };
    if (parts.length === 2) return { kind: 'runs', experimentId: id! };
    if (parts.length === 4 && sub === 'runs') return { kind: 'run', experimentId: id!, runId: subId! };
    if (parts.length === 3 && sub === 'compare') return { kind: 'compare', experimentId: id! };
  }
  if (head === 'models' && parts.length === 1) return { kind: 'models' };
  if (head === 'models' && parts.length === 2) return { kind: 'model', name: id! };
  if (head === 'broker' && parts.length === 1) return { kind: 'broker' };
  if (head === 'broker' && parts.length === 3 && id === 'modules') return { kind: 'module', name: sub! };
  if (head === 'alerts' && parts.length === 1) return { kind: 'alerts' };
  if (head === 'alerts' && parts.length === 2) return { kind: 'alert', alertId: id! };
  if (head === 'objects' && parts.length === 2) return { kind: 'object', objectId: id! };
  if (head === 'tokens' && parts.length === 1) return { kind: 'tokens' };
  return { kind: 'not-found' };
}
