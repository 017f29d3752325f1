/**
 * The end of a batch's path: its rows and dead letters into the store, then each filter's
 * matches into its sink. Called in batch order. A store or sink that fails throws: the run fails
 * with its reason rather than lose alerts silently.
 */
import type { FilterConfig } from '../config/broker-config.js';
import type { AlertFilter } from '../filters/alert-filter.js';
import { filterRecord } from '../filters/filter-record.js';
import type { AlertSink } from '../sinks/alert-sink.js';
import { describeOrigin } from '../sources/alert-source.js';
import type { AlertStore, WriteResult } from '../store/alert-store.js';
import type { AlertBatch } from './alert-batches.js';
import type { RunTally } from './run-tally.js';
import type { ScoredBatch } from './score-batch.js';

export interface OpenFilter {
  readonly config: FilterConfig;
  readonly filter: AlertFilter;
  readonly sink: AlertSink;
}

export async function deliverBatch(batch: AlertBatch, scored: ScoredBatch, store: AlertStore, filters: readonly OpenFilter[], tally: RunTally): Promise<void> {
  const storing = performance.now();
  const written = await writeToStore(batch, scored, store);
  const stored = performance.now();
  tally.stages.storeMs += stored - storing;
  // An alert the store refused (its id stored under another object) is a source dead letter, not stored.
  tally.sourceDeadLetters += batch.deadLetters.length + written.refused;
  tally.alertsStored += written.inserted + written.updated;
  tally.alertsInserted += written.inserted;
  batch.readAt.forEach((readAt) => tally.recordLatency(stored - readAt));
  const refused = new Set<number>();
  for (const { index, reason } of written.refusals ?? []) {
    refused.add(index);
    tally.deadLetters.add({ kind: 'source' }, reason, describeOrigin(scored.enriched[index]!.alert.origin));
  }
  if (filters.length === 0) return;
  // A refused alert was not stored: it reaches no output either.
  const delivered = refused.size === 0 ? scored.enriched : scored.enriched.filter((_, i) => !refused.has(i));
  const records = delivered.map((e) => filterRecord(e.alert, e.scores, e.shadows));
  for (const { config, filter, sink } of filters) {
    const matches = delivered.filter((_, i) => filter.matches(records[i]!));
    if (matches.length > 0) {
      await sink.write(matches).catch((err: Error) => {
        throw new Error(`filter ${config.name}: writing to ${sink.description} failed: ${err.message}`);
      });
    }
    tally.matched.set(config.name, (tally.matched.get(config.name) ?? 0) + matches.length);
  }
  tally.stages.filtersMs += performance.now() - stored;
}

async function writeToStore(batch: AlertBatch, scored: ScoredBatch, store: AlertStore): Promise<WriteResult> {
  try {
    if (batch.deadLetters.length > 0) await store.writeSourceDeadLetters(batch.deadLetters);
    const moduleLetters = scored.shadowDeadLetters.length > 0 ? [...scored.deadLetters, ...scored.shadowDeadLetters] : scored.deadLetters;
    if (moduleLetters.length > 0) await store.writeModuleDeadLetters(moduleLetters);
    return scored.enriched.length > 0 ? await store.writeAlerts(scored.enriched) : { inserted: 0, updated: 0, refused: 0 };
  } catch (err) {
    throw new Error(`the alert store (${store.description}) failed to write batch ${batch.index}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
