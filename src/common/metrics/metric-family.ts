/**
 * What a scrape is made of: metric families, each a name, a help line, a type and its samples.
 * The registry's own metrics and collect callbacks (a source's, the process's) produce the
 * same shape, which prometheus-text.ts renders.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Label name to value; a sample with no labels has an empty record. */
export type Labels = Readonly<Record<string, string>>;

export interface ValueSample {
  readonly labels: Labels;
  readonly value: number;
}

export interface HistogramSample {
  readonly labels: Labels;
  /** Upper bounds in increasing order, with how many observations were at most each (cumulative); +Inf is added when rendered. */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
  readonly sum: number;
  readonly count: number;
}

export type MetricFamily =
  | { readonly name: string; readonly help: string; readonly type: 'counter' | 'gauge'; readonly samples: readonly ValueSample[] }
  | { readonly name: string; readonly help: string; readonly type: 'histogram'; readonly samples: readonly HistogramSample[] };

/** Called at every scrape: the families as they are now (read from whatever keeps the figures). */
export type MetricsCollector = () => readonly MetricFamily[] | Promise<readonly MetricFamily[]>;

/** A counter or gauge family in one expression, for collectors. */
export function valueFamily(type: 'counter' | 'gauge', name: string, help: string, samples: readonly ValueSample[]): MetricFamily {
  return { name, help, type, samples };
}

/** One sample per state, 1 for the current one and 0 for the others (Prometheus' state set), so a state change never leaves a stale series. */
export function stateSamples(states: readonly string[], current: string, labels: Labels = {}): ValueSample[] {
  return states.map((state) => ({ labels: { ...labels, state }, value: state === current ? 1 : 0 }));
}
