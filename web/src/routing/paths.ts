/** The UI's URLs, in one place. */
export const paths = {
  experiments: () => '/experiments',
  experiment: (experimentId: string, query?: Record<string, string>) =>
    `/experiments/${encodeURIComponent(experimentId)}${query ? `?${new URLSearchParams(query).toString()}` : ''}`,
  models: () => '/models',
  model: (name: string) => `/models/${encodeURIComponent(name)}`,
};

export type Page =
  | { kind: 'experiments' }
  | { kind: 'runs'; experimentId: string }
  | { kind: 'models' }
  | { kind: 'model'; name: string }
  | { kind: 'not-found' };

export function pageOf(path: string): Page {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { kind: 'experiments' };
  if (parts[0] === 'experiments' && parts.length === 1) return { kind: 'experiments' };
  if (parts[0] === 'experiments' && parts.length === 2) return { kind: 'runs', experimentId: parts[1]! };
  if (parts[0] === 'models' && parts.length === 1) return { kind: 'models' };
  if (parts[0] === 'models' && parts.length === 2) return { kind: 'model', name: parts[1]! };
  return { kind: 'not-found' };
}
