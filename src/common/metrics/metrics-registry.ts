/**
 * The metrics one endpoint serves: counters, gauges and histograms kept here (updated as things
 * happen), and collectors called at each scrape (figures read from where they already live: a
 * run's tally, a source's consumer). Each family is exported once: a name given twice is a
 * mistake, refused when made or, for collectors, when scraped.
 */
import { Histogram, SECONDS_BUCKETS } from './histogram.js';
import type { HistogramSample, Labels, MetricFamily, MetricsCollector, ValueSample } from './metric-family.js';
import { renderPrometheusText } from './prometheus-text.js';

export interface CounterMetric {
  /** Adds `by` (default 1, never negative) to the series of `labels`. */
  inc(labels?: Labels, by?: number): void;
}

export interface GaugeMetric {
  set(value: number, labels?: Labels): void;
  /** Adds `by` (negative to lower it). */
  add(by: number, labels?: Labels): void;
}

export interface HistogramMetric {
  observe(value: number, labels?: Labels): void;
}

export class MetricsRegistry {
  private readonly parts: MetricsCollector[] = [];
  private readonly names = new Set<string>();

  counter(name: string, help: string, labelNames: readonly string[] = []): CounterMetric {
    const series = this.series(name, labelNames, () => ({ value: 0 }));
    this.parts.push(() => [{ name, help, type: 'counter', samples: valuesOf(series) }]);
    return {
      inc: (labels = {}, by = 1) => {
        if (!(by >= 0)) throw new Error(`counter ${name}: cannot add ${by}`);
        series.at(labels).value += by;
      },
    };
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): GaugeMetric {
    const series = this.series(name, labelNames, () => ({ value: 0 }));
    this.parts.push(() => [{ name, help, type: 'gauge', samples: valuesOf(series) }]);
    return {
      set: (value, labels = {}) => void (series.at(labels).value = value),
      add: (by, labels = {}) => void (series.at(labels).value += by),
    };
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = SECONDS_BUCKETS): HistogramMetric {
    new Histogram(buckets); // refuses bad buckets now, not at the first observation
    const series = this.series(name, labelNames, () => new Histogram(buckets));
    this.parts.push(() => [{ name, help, type: 'histogram', samples: [...series.entries()].map(([labels, h]): HistogramSample => h.sample(labels)) }]);
    return { observe: (value, labels = {}) => series.at(labels).observe(value) };
  }

  /** Adds a collector called at every scrape; the function returned removes it. */
  collect(collector: MetricsCollector): () => void {
    this.parts.push(collector);
    return () => {
      const at = this.parts.indexOf(collector);
      if (at >= 0) this.parts.splice(at, 1);
    };
  }

  /** Every family, in the order registered. */
  async families(): Promise<MetricFamily[]> {
    const all = (await Promise.all(this.parts.map((part) => part()))).flat();
    const seen = new Set<string>();
    for (const family of all) {
      if (seen.has(family.name)) throw new Error(`metric ${family.name} is exported twice`);
      seen.add(family.name);
    }
    return all;
  }

  /** The text a Prometheus scrape receives. */
  async render(): Promise<string> {
    return renderPrometheusText(await this.families());
  }

  private series<T>(name: string, labelNames: readonly string[], create: () => T): LabelledSeries<T> {
    if (this.names.has(name)) throw new Error(`metric ${name} is registered twice`);
    this.names.add(name);
    const series = new LabelledSeries(name, labelNames, create);
    // A family without labels shows its zero before anything happens, as scrapers expect.
    if (labelNames.length === 0) series.at({});
    return series;
  }
}

/** The series of one family, one per combination of its labels' values. */
class LabelledSeries<T> {
  private readonly byKey = new Map<string, { labels: Labels; value: T }>();

  constructor(
    private readonly name: string,
    private readonly labelNames: readonly string[],
    private readonly create: () => T,
  ) {}

  at(labels: Labels): T {
    const given = Object.keys(labels);
    if (given.length !== this.labelNames.length || this.labelNames.some((n) => labels[n] === undefined)) {
      throw new Error(`metric ${this.name}: expected labels {${this.labelNames.join(', ')}}, got {${given.join(', ')}}`);
    }
    const key = this.labelNames.map((n) => labels[n]).join('\u0000');
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { labels: Object.fromEntries(this.labelNames.map((n) => [n, labels[n]!])), value: this.create() };
      this.byKey.set(key, entry);
    }
    return entry.value;
  }

  entries(): [Labels, T][] {
    return [...this.byKey.values()].map((e) => [e.labels, e.value]);
  }
}

function valuesOf(series: LabelledSeries<{ value: number }>): ValueSample[] {
  return series.entries().map(([labels, { value }]) => ({ labels, value }));
}
