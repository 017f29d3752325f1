import { beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../config/load-broker-config.js';
import { parseFilter } from '../filters/parse-filter.js';
import { filterRecord } from '../filters/filter-record.js';
import { toAlert } from '../alert.js';
import { MemoryAlertSink } from '../sinks/memory-alert-sink.js';
import { openAlertSource } from '../sources/open-alert-source.js';
import type { StoredAlert } from '../store/alert-store.js';
import { MemoryAlertStore } from '../store/memory-alert-store.js';
import { OnnxModelRuntime } from '../../runtime/onnx/onnx-runtime.js';
import { prepareTestModels, type TestModels } from '../../runtime/testing/test-models.js';
import { CountingAlertStore, FINK_TOPICS, noEnvironments, rawAlerts, recordingLogger, replicatedSource } from './pipeline-test-support.js';
import { runBroker } from './run-broker.js';

let models: TestModels;
beforeAll(async () => {
  models = await prepareTestModels();
}, 600_000);

const FEATURES = ['magpsf', 'sigmapsf', 'drb', 'candidate.ndethist'];

/** Two ONNX modules, the second reading the first's output; a third fed the wrong number of columns. */
function config(extra = '') {
  return parseBrokerConfig(
    `batch_size: 100
modules:
  - name: cls
    model: ${models.dir}/onnx-classifier
    inputs: [${FEATURES.join(', ')}]
    outputs: [cls_label, cls_p0, cls_p1]
    batch_size: 40
  - name: combo
    model: ${models.dir}/onnx-zipmap
    inputs: [cls_p1, magpsf, fwhm, classtar]
    reads: [cls]
    outputs: {combo_p1: output_probability_1}
${extra}filters:
  - name: likely
    expression: cls_p1 > 0.5 and drb > 0.5
    output: likely.jsonl
`,
    '/tmp/broker.yaml',
  );
}

async function storedAlerts(store: MemoryAlertStore): Promise<StoredAlert[]> {
  const all: StoredAlert[] = [];
  let after: string | undefined;
  do {
    const page = await store.searchAlerts({ limit: 200, ...(after ? { after } : {}) });
    all.push(...page.alerts);
    after = page.next;
  } while (after);
  return all;
}

describe('runBroker', () => {
  it('stores every real alert once with both modules outputs, and the filter matches what a direct evaluation matches', async () => {
    const store = new MemoryAlertStore();
    const sink = new MemoryAlertSink('likely');
    const progress: number[] = [];
    const summary = await runBroker({
      config: config(),
      source: openAlertSource(FINK_TOPICS),
      store,
      builder: noEnvironments,
      openSink: async () => sink,
      onProgress: (p) => progress.push(p.alertsStored),
    });
    expect(summary.alertsRead).toBe(561);
    expect(summary.alertsStored).toBe(561);
    // Some alerts went to several Fink topics: one file each, one stored row.
    const distinct = new Set<bigint>();
    for await (const item of openAlertSource(FINK_TOPICS)) if (item.kind === 'alert') distinct.add(toAlert(item).alertId);
    expect(distinct.size).toBeGreaterThan(500);
    expect(summary.alertsInserted).toBe(distinct.size);
    expect(summary.sourceDeadLetters).toBe(0);
    expect(await store.countAlerts()).toBe(distinct.size);
    expect(progress.at(-1)).toBe(561);
    expect(summary.modules.map((m) => [m.name, m.state, m.scored, m.deadLettered, m.version])).toEqual([
      ['cls', 'ready', 561, 0, null],
      ['combo', 'ready', 561, 0, null],
    ]);
    expect(summary.latencyMs.p99).toBeGreaterThanOrEqual(summary.latencyMs.p50);
    expect(summary.stages.modelMs).toBeGreaterThan(0);
    expect(sink.closed).toBe(true);

    const stored = await storedAlerts(store);
    expect(stored.map((s) => s.alertId).sort()).toEqual([...distinct].sort());
    for (const s of stored) {
      expect(s.scores.map((m) => m.module)).toEqual(['cls', 'combo']);
      const [cls, combo] = s.scores;
      expect(Object.keys(cls!.outputs)).toEqual(['cls_label', 'cls_p0', 'cls_p1']);
      expect((cls!.outputs.cls_p0 as number) + (cls!.outputs.cls_p1 as number)).toBeCloseTo(1, 5);
      expect(combo!.outputs.combo_p1).toBeTypeOf('number');
    }

    // The first module's inputs, fed straight to the model, give what the pipeline stored.
    const runtime = await OnnxModelRuntime.load({ name: 'check', modelDir: `${models.dir}/onnx-classifier`, dataFile: 'model.onnx' });
    try {
      const sample = stored.slice(0, 50);
      const candidate = (s: StoredAlert) => s.payload.candidate as Record<string, number | null>;
      const column = (key: string) => Float64Array.from(sample, (s) => Number(candidate(s)[key] ?? Number.NaN));
      const direct = await runtime.predict({ columns: ['magpsf', 'sigmapsf', 'drb', 'ndethist'], data: ['magpsf', 'sigmapsf', 'drb', 'ndethist'].map(column), rows: sample.length });
      const p1 = direct.data[direct.names.indexOf('probabilities_1')]!;
      sample.forEach((s, i) => expect(s.scores[0]!.outputs.cls_p1).toBeCloseTo(Number(p1[i]), 6));
    } finally {
      await runtime.close();
    }

    const expected = stored.filter((s) => (s.scores[0]!.outputs.cls_p1 as number) > 0.5 && Number((s.payload.candidate as Record<string, unknown>).drb) > 0.5);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(distinct.size);
    // The sink saw every copy of a repeated alert; the store kept one.
    expect([...new Set(sink.alerts.map((a) => a.alert.alertId))].sort()).toEqual(expected.map((s) => s.alertId).sort());
    expect(summary.filters).toEqual([{ name: 'likely', matched: sink.alerts.length, output: '/tmp/likely.jsonl' }]);
    const filter = parseFilter('cls_p1 > 0.5 and drb > 0.5');
    expect(sink.alerts.every((a) => filter.matches(filterRecord(a.alert, a.scores)))).toBe(true);
  }, 120_000);

  it('dead-letters a batch a module cannot score for that module only, and marks it degraded', async () => {
    const store = new MemoryAlertStore();
    const logger = recordingLogger();
    const broken = `  - name: broken\n    model: ${models.dir}/onnx-classifier\n    inputs: [magpsf, sigmapsf, drb]\n    outputs: [b_label, b_p0, b_p1]\n`;
    const records = await rawAlerts(60);
    const summary = await runBroker({ config: config(broken), source: replicatedSource(records, 1), store, builder: noEnvironments, logger, openSink: async () => new MemoryAlertSink() });
    expect(summary.alertsStored).toBe(60);
    const status = summary.modules.find((m) => m.name === 'broken')!;
    expect(status.state).toBe('degraded');
    expect(status.reason).toContain('takes 4 features per row; the batch has 3 columns');
    expect([status.scored, status.deadLettered]).toEqual([0, 60]);
    expect(summary.modules.filter((m) => m.name !== 'broken').map((m) => m.deadLettered)).toEqual([0, 0]);
    const letters = await store.deadLetters({ module: 'broken', limit: 1000 });
    expect(letters).toHaveLength(60);
    expect(letters.every((l) => l.stage === 'degraded' && l.reason.includes('takes 4 features per row'))).toBe(true);
    expect(await store.deadLetters({ module: 'cls' })).toHaveLength(0);
    const one = await store.getAlert(toAlert(records[7]!).alertId);
    expect(one!.scores.map((s) => s.module)).toEqual(['cls', 'combo']);
    expect(logger.lines.some((l) => l.startsWith('broken: a batch of'))).toBe(true);
  }, 120_000);

  it('never has more than the allowed batches between read and stored, however long the input', async () => {
    const store = new CountingAlertStore();
    const batchSize = 100;
    const inFlight = 2;
    let widest = 0;
    const source = replicatedSource(await rawAlerts(25), 80, (yielded) => {
      widest = Math.max(widest, yielded - store.written);
    });
    const base = config();
    const summary = await runBroker({
      config: { ...base, batchSize, filters: [] },
      source,
      store,
      builder: noEnvironments,
      maxBatchesInFlight: inFlight,
    });
    expect(summary.alertsRead).toBe(2000);
    expect(summary.alertsStored).toBe(2000);
    expect(summary.alertsInserted).toBe(25);
    expect(store.written).toBe(2000);
    expect(widest).toBeGreaterThan(0);
    // The batches in flight, plus the one being read.
    expect(widest).toBeLessThanOrEqual((inFlight + 1) * batchSize);
  }, 120_000);

  it('stops reading when aborted and stores what it had read', async () => {
    const store = new CountingAlertStore();
    const controller = new AbortController();
    const source = replicatedSource(await rawAlerts(25), 40, (yielded) => {
      if (yielded === 250) controller.abort();
    });
    const summary = await runBroker({ config: { ...config(), batchSize: 50, filters: [] }, source, store, builder: noEnvironments, signal: controller.signal });
    expect(summary.alertsRead).toBeLessThan(1000);
    expect(summary.alertsRead).toBeGreaterThanOrEqual(250);
    expect(summary.alertsStored).toBe(summary.alertsRead);
    const [status] = await store.runStatuses(1);
    expect(status!.state).toBe('finished');
    expect(status!.alertsStored).toBe(summary.alertsStored);
  }, 120_000);

  it("counts an alert the store refuses (its candid stored under another object) as a source dead letter, not as stored", async () => {
    const records = await rawAlerts(30);
    const alerts = records.map((r) => toAlert(r));
    const taken = alerts[3]!;
    const store = new MemoryAlertStore();
    // Another object already holds this candid in the store (as a simulation with another seed once made).
    await store.writeAlerts([{ alert: { ...taken, objectId: 'ZTF99otherobj' }, scores: [] }]);
    const copies = alerts.filter((a) => a.alertId === taken.alertId).length;
    const distinct = new Set(alerts.map((a) => a.alertId)).size;
    // A filter matching every alert: the refused one must not reach its output, since it was not stored.
    const everything = parseBrokerConfig(`modules: []\nfilters:\n  - name: all\n    expression: candid > 0\n    output: all.jsonl\n`, '/tmp/broker.yaml').filters;
    const sink = new MemoryAlertSink('all');
    const summary = await runBroker({ config: { ...config(), filters: everything }, source: replicatedSource(records, 1), store, builder: noEnvironments, openSink: async () => sink });
    expect(summary.alertsRead).toBe(30);
    expect(sink.alerts.map((e) => e.alert.alertId)).not.toContain(taken.alertId);
    expect(sink.alerts).toHaveLength(30 - copies);
    expect(summary.deadLetterReasons).toEqual([
      { scope: { kind: 'source' }, count: copies, reason: expect.stringContaining(`is already stored with object ZTF99otherobj`), first: expect.stringContaining(taken.origin.file) },
    ]);
    expect(summary.sourceDeadLetters).toBe(copies);
    expect(summary.alertsStored).toBe(30 - copies);
    expect(summary.alertsInserted).toBe(distinct - 1);
    const [status] = await store.runStatuses(1);
    expect(status).toMatchObject({ sourceDeadLetters: copies, alertsStored: 30 - copies });
    expect((await store.getAlert(taken.alertId))!.objectId).toBe('ZTF99otherobj');
    const letters = await store.deadLetters({ limit: 100 });
    expect(letters).toHaveLength(copies);
    expect(letters[0]).toMatchObject({ kind: 'source', file: taken.origin.file });
    expect(letters[0]!.reason).toContain(`ztf alert ${taken.alertId} is already stored with object ZTF99otherobj, this alert has object ${taken.objectId}`);
  }, 120_000);

  it('fails the run with the reason when the store fails, and still closes the sinks', async () => {
    const store = new MemoryAlertStore();
    store.writeAlerts = async () => {
      throw new Error('disk full');
    };
    const sink = new MemoryAlertSink();
    await expect(
      runBroker({ config: config(), source: replicatedSource(await rawAlerts(10), 1), store, builder: noEnvironments, openSink: async () => sink }),
    ).rejects.toThrow('the alert store (alerts in memory) failed to write batch 0: disk full');
    expect(sink.closed).toBe(true);
    const [status] = await store.runStatuses(1);
    expect(status!.state).toBe('failed');
    expect(status!.error).toContain('disk full');
  }, 120_000);
});
