/**
 * The runs table's columns: the fixed ones MLflow shows, then the chosen metrics and params.
 * A column's `orderBy` is the search grammar's key, sent as `order_by` when its header is clicked.
 */
import type { Run } from '../../api/entities.js';
import { formatAgo, formatValue } from '../../components/format.js';

export interface RunColumn {
  id: string;
  label: string;
  width: number;
  orderBy?: string;
  text: (run: Run) => string;
  title?: (run: Run) => string;
}

const tag = (run: Run, key: string) => run.data.tags?.find((t) => t.key === key)?.value;

/** `metrics.acc` → metrics.`acc`: backticks let keys hold spaces, dots and dashes. */
export function quotedKey(column: string): string {
  const dot = column.indexOf('.');
  return `${column.slice(0, dot)}.\`${column.slice(dot + 1)}\``;
}

export const FIXED_COLUMNS: RunColumn[] = [
  { id: 'run_name', label: 'Run name', width: 200, orderBy: 'attributes.run_name', text: (r) => r.info.run_name ?? r.info.run_id },
  { id: 'status', label: 'Status', width: 90, orderBy: 'attributes.status', text: (r) => r.info.status },
  {
    id: 'created',
    label: 'Created',
    width: 120,
    orderBy: 'attributes.start_time',
    text: (r) => formatAgo(r.info.start_time),
    title: (r) => (r.info.start_time ? new Date(Number(r.info.start_time)).toISOString() : ''),
  },
  {
    id: 'source',
    label: 'Source',
    width: 150,
    orderBy: 'tags.`mlflow.source.name`',
    text: (r) => (tag(r, 'mlflow.source.name') ?? '').split(/[\\/]/).pop() ?? '',
    title: (r) => tag(r, 'mlflow.source.name') ?? '',
  },
  {
    id: 'dataset',
    label: 'Dataset',
    width: 160,
    text: (r) => (r.inputs?.dataset_inputs ?? []).map((d) => `${d.dataset.name} (${d.dataset.digest})`).join(', '),
  },
];

/** A chosen column: `metrics.<key>` or `params.<key>`. */
export function dataColumn(column: string): RunColumn {
  const dot = column.indexOf('.');
  const kind = column.slice(0, dot);
  const key = column.slice(dot + 1);
  const text =
    kind === 'metrics'
      ? (r: Run) => formatValue(r.data.metrics?.find((m) => m.key === key)?.value)
      : (r: Run) => r.data.params?.find((p) => p.key === key)?.value ?? '';
  return { id: column, label: key, width: 110, orderBy: quotedKey(column), text, title: text };
}

/** The metric and param columns the loaded runs offer, metrics first, each sorted by name. */
export function availableDataColumns(runs: readonly Run[]): string[] {
  const metrics = new Set<string>();
  const params = new Set<string>();
  for (const run of runs) {
    for (const m of run.data.metrics ?? []) metrics.add(m.key);
    for (const p of run.data.params ?? []) params.add(p.key);
  }
  return [...[...metrics].sort().map((k) => `metrics.${k}`), ...[...params].sort().map((k) => `params.${k}`)];
}
