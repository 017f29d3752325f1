/**
 * A broker run: alerts from the source, in batches, through the science modules (by levels of
 * `reads`), into the store, then through the filters into their sinks.
 *
 *   source -> alertBatches -> [scoreBatch] -> deliverBatch (in batch order) -> store, sinks
 *          <- acknowledge (a Kafka source commits its offsets once a batch is delivered)
 *
 * Up to `maxBatchesInFlight` batches are scored at once; the source is pulled only when there is
 * room, so memory stays flat. Modules and sinks are closed at the end even when the run fails;
 * a failing store or sink fails the run with its reason. The signal stops reading; what was
 * read is finished and stored.
 */
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../common/logger.js';
import { parseFilter } from '../filters/parse-filter.js';
import { moduleLevels } from '../modules/module-levels.js';
import { readAlerts } from '../read-alerts.js';
import { checkOutputPaths } from '../sinks/check-output-paths.js';
import { openSink } from '../sinks/open-sink.js';
import { describeOrigin } from '../sources/alert-source.js';
import type { ModuleStatus } from '../store/alert-store.js';
import type { BrokerRunOptions, BrokerSummary } from './broker-run.js';
import { alertBatches } from './alert-batches.js';
import { brokerMetrics } from './broker-metrics.js';
import { deliverBatch, type OpenFilter } from './deliver-batch.js';
import { InFlight } from './in-flight.js';
import { loadingStatus, openModules, type OpenModules } from './open-modules.js';
import { RecentAlerts } from './recent-alerts.js';
import { RunTally } from './run-tally.js';
import { scoreBatch } from './score-batch.js';
import { StatusReporter } from './status-reporter.js';
import { unlessAborted } from './unless-aborted.js';

const DEFAULT_IN_FLIGHT = 3;

export async function runBroker(options: BrokerRunOptions): Promise<BrokerSummary> {
  const { config, store } = options;
  const logger = options.logger ?? silentLogger;
  const runId = randomUUID().replace(/-/g, '');
  const tally = new RunTally();
  let opened: OpenModules | undefined;
  /** The modules' last working states, kept when they close so the summary shows ready or degraded. */
  let finalModules: ModuleStatus[] | undefined;
  /** Modules still loading, and whether they are building an environment (shown live by the UI). */
  const loading = new Map<string, ModuleStatus['state']>();
  const moduleStatuses = () => finalModules ?? config.modules.map((m) => opened?.modules.find((o) => o.config.name === m.name)?.status() ?? loadingStatus(m, loading.get(m.name)));
  const reporter = new StatusReporter({
    runId,
    config,
    store,
    tally,
    logger,
    modules: moduleStatuses,
    ...(options.source.status ? { stream: () => options.source.status!() } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const filters: OpenFilter[] = [];
  const inFlight = new InFlight(options.maxBatchesInFlight ?? DEFAULT_IN_FLIGHT);
  const recent = new RecentAlerts(store);
  if (options.metrics) {
    options.metrics.collect(brokerMetrics({ config, tally, inFlight, modules: moduleStatuses, loaded: () => opened?.modules ?? [] }));
    options.source.registerMetrics?.(options.metrics);
  }
  try {
    await reporter.start();
    const parsed = config.filters.map((f) => ({ config: f, filter: parseFilter(f.expression) }));
    // Outputs are checked before minutes of loading, not found unwritable after storing alerts.
    if (!options.openSink) await checkOutputPaths(config.filters);
    const opening = openModules({
      config,
      aviary: options.aviary,
      builder: options.builder,
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      logger,
      onLoading: (module, state) => loading.set(module, state),
      recentAlerts: () => recent.sample(),
      ...(options.progress ? { progress: options.progress } : {}),
    });
    opened = await unlessAborted(opening, options.signal, 'loading the modules', (late) => late.close());
    for (const f of parsed) filters.push({ ...f, sink: await (options.openSink ?? openSink)(f.config) });
    const modules = opened.modules;
    const levels = moduleLevels(config.modules);
    let delivered = Promise.resolve();
    // Only a live stream cuts a batch short: files keep whole batches, the same in every run.
    const batches = alertBatches(readAlerts(options.source), config.batchSize, options.source.live ? config.maxBatchWaitMs : undefined)[Symbol.asyncIterator]();
    tally.markFlowing();
    try {
      for (;;) {
        await inFlight.room();
        if (options.signal?.aborted || inFlight.failed) break;
        const next = await batches.next();
        if (next.done) break;
        const batch = next.value;
        tally.alertsRead += batch.alerts.length;
        tally.stages.decodeMs += batch.decodeMs;
        const scoring = scoreBatch(batch.alerts, modules, levels, opened.shadows);
        // Stored in batch order: a batch waits for the one before it, even when scored first.
        const delivering = Promise.all([scoring, delivered]).then(async ([scored]) => {
          for (const letter of batch.deadLetters) tally.deadLetters.add({ kind: 'source' }, letter.reason, describeOrigin(letter.origin));
          for (const letter of scored.deadLetters) tally.deadLetters.add({ kind: 'module', module: letter.module }, letter.reason, `alert ${letter.alertId}${letter.objectId === null ? '' : ` of ${letter.objectId}`}`);
          tally.stages.preprocessingMs += scored.preprocessingMs;
          tally.stages.modelMs += scored.modelMs;
          await deliverBatch(batch, scored, store, filters, tally);
          recent.add(scored.enriched);
          // Stored and in every sink: a source that can (Kafka) commits up to here.
          await options.source.acknowledge?.([...batch.alerts.map((a) => a.origin), ...batch.deadLetters.map((d) => d.origin)]);
        });
        delivered = delivering.catch(() => {});
        inFlight.add(delivering);
      }
    } finally {
      await batches.return?.(undefined);
      await inFlight.drain();
      await options.source.close?.().catch((err: Error) => logger.warn(`closing ${options.source.description}: ${err.message}`));
    }
    if (inFlight.failed) throw inFlight.failed.error;
    finalModules = opened.modules.map((m) => m.status());
    await closeAll(opened, filters);
    await reporter.finish();
    return summary(runId, tally, reporter);
  } catch (err) {
    finalModules ??= opened?.modules.map((m) => m.status());
    await closeAll(opened, filters).catch((closeError: Error) => logger.error(closeError.message));
    const reason = err instanceof Error ? err.message : String(err);
    await reporter.finish(reason).catch((saveError: Error) => logger.error(`could not save the failed run's status: ${saveError.message}`));
    throw err;
  }
}

/** Closes modules and sinks; a sink that cannot be closed (its output incomplete) fails the run. */
async function closeAll(opened: OpenModules | undefined, filters: OpenFilter[]): Promise<void> {
  const closing = filters.splice(0).map((f) =>
    f.sink.close().catch((err: Error) => {
      throw new Error(`filter ${f.config.name}: closing ${f.sink.description} failed: ${err.message}`);
    }),
  );
  const results = await Promise.allSettled([opened?.close(), ...closing]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function summary(runId: string, tally: RunTally, reporter: StatusReporter): BrokerSummary {
  const status = reporter.status('finished');
  return {
    runId,
    alertsRead: tally.alertsRead,
    alertsStored: tally.alertsStored,
    alertsInserted: tally.alertsInserted,
    sourceDeadLetters: tally.sourceDeadLetters,
    deadLetterReasons: tally.deadLetters.summary(),
    modules: status.modules,
    filters: status.filters.map(({ name, matched, output }) => ({ name, matched, output })),
    latencyMs: tally.latencyMs(),
    elapsedMs: Math.round(tally.elapsedMs),
    setupMs: Math.round(tally.setupMs),
    alertsPerSecond: tally.progress().alertsPerSecond,
    stages: tally.stageTimes(),
    ...(status.stream ? { stream: status.stream } : {}),
  };
}
