// A broker run's metrics, scraped while the run is paused at a known point (the source waits)
// and after it ended: each figure equals what the run itself reports, and the text is what a
// strict reader accepts. A source adds its own metrics through registerMetrics.
import { beforeAll, describe, expect, it } from 'vitest';
import { MetricsRegistry, type CounterMetric } from '../../common/metrics/metrics-registry.js';
import { parsePrometheusText, type ParsedMetrics } from '../../common/metrics/testing/parse-prometheus-text.js';
import { prepareTestModels, type TestModels } from '../../runtime/testing/test-models.js';
import { parseBrokerConfig } from '../config/load-broker-config.js';
import { MemoryAlertSink } from '../sinks/memory-alert-sink.js';
import type { AlertSource } from '../sources/alert-source.js';
import { MemoryAlertStore } from '../store/memory-alert-store.js';
import { noEnvironments, rawAlerts, replicatedSource } from './pipeline-test-support.js';
import { runBroker } from './run-broker.js';

let models: TestModels;
beforeAll(async () => {
  models = await prepareTestModels();
}, 600_000);

const scrape = async (registry: MetricsRegistry): Promise<ParsedMetrics> => parsePrometheusText(await registry.render());

describe('broker metrics', () => {
  it('equal the run while it runs and at its end, and carry what the source adds', async () => {
    const config = parseBrokerConfig(
      `batch_size: 20
modules:
  - name: cls
    model: ${models.dir}/onnx-classifier
    inputs: [magpsf, sigmapsf, drb, candidate.ndethist]
    outputs: {cls_p1: probabilities_1}
    batch_size: 8
filters:
  - name: likely
    expression: cls_p1 > 0.5
    output: likely.jsonl
`,
      '/tmp/broker.yaml',
    );
    const registry = new MetricsRegistry();
    let during: ParsedMetrics | undefined;
    let sourceReads: CounterMetric | undefined;
    const replicated = replicatedSource(await rawAlerts(50), 2, async (yielded) => {
      sourceReads?.inc();
      // Asked for alert 61: three batches of 20 were read, whatever became of them since.
      if (yielded === 60) during = await scrape(registry);
    });
    const source: AlertSource = {
      description: replicated.description,
      [Symbol.asyncIterator]: () => replicated[Symbol.asyncIterator](),
      registerMetrics: (r) => (sourceReads = r.counter('aviary_source_test_reads_total', 'Alerts the test source handed out, as it counts them.')),
    };
    const summary = await runBroker({
      config,
      source,
      store: new MemoryAlertStore(),
      builder: noEnvironments,
      openSink: async () => new MemoryAlertSink('likely'),
      metrics: registry,
    });

    expect(during).toBeDefined();
    expect(during!.value('aviary_broker_alerts_read_total')).toBe(60);
    expect(during!.value('aviary_broker_alerts_stored_total')).toBeLessThanOrEqual(60);
    expect(during!.value('aviary_broker_batches_in_flight')).toBeLessThanOrEqual(during!.value('aviary_broker_batches_in_flight_limit'));
    expect(during!.value('aviary_broker_module_state', { module: 'cls', state: 'ready' })).toBe(1);
    expect(during!.value('aviary_source_test_reads_total')).toBe(60);

    const end = await scrape(registry);
    expect(summary.alertsRead).toBe(100);
    expect(end.value('aviary_broker_alerts_read_total')).toBe(summary.alertsRead);
    expect(end.value('aviary_broker_alerts_stored_total')).toBe(summary.alertsStored);
    expect(end.value('aviary_broker_alerts_inserted_total')).toBe(summary.alertsInserted);
    expect(end.value('aviary_broker_source_dead_letters_total')).toBe(summary.sourceDeadLetters);
    expect(end.value('aviary_broker_module_scored_total', { module: 'cls' })).toBe(summary.modules[0]!.scored);
    expect(end.value('aviary_broker_module_dead_letters_total', { module: 'cls' })).toBe(summary.modules[0]!.deadLettered);
    expect(end.value('aviary_broker_filter_matched_total', { filter: 'likely' })).toBe(summary.filters[0]!.matched);
    expect(end.value('aviary_broker_module_state', { module: 'cls', state: 'ready' })).toBe(1);
    expect(end.value('aviary_broker_module_state', { module: 'cls', state: 'degraded' })).toBe(0);
    expect(end.value('aviary_broker_module_worker_restarts_total', { module: 'cls' })).toBe(0);
    expect(end.value('aviary_broker_batches_in_flight')).toBe(0);
    // Every alert read was stored and timed; the module was called per 8 alerts of each batch of 20 (8, 8, 4).
    expect(end.value('aviary_broker_alert_latency_seconds_count')).toBe(100);
    expect(end.value('aviary_broker_module_model_call_seconds_count', { module: 'cls' })).toBe(15);
    for (const [stage, key] of [['decode', 'decodeMs'], ['model', 'modelMs'], ['store', 'storeMs'], ['filters', 'filtersMs']] as const) {
      expect(end.value('aviary_broker_stage_seconds_total', { stage })).toBeCloseTo(summary.stages[key] / 1000, 3);
    }
    expect(Math.abs(end.value('aviary_broker_run_start_time_seconds') - Date.now() / 1000)).toBeLessThan(120);
    expect(end.value('aviary_source_test_reads_total')).toBe(100);
  }, 120_000);
});
