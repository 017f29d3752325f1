/** A broker run's summary and progress as a person reads them on a terminal. */
import type { BrokerProgress, BrokerSummary } from './broker-run.js';
import type { StreamStatus } from '../sources/stream-status.js';
import type { DeadLetterGroup } from './dead-letter-digest.js';
import type { ModuleStatus } from '../store/alert-store.js';

/** Reasons shown per scope (the source, each module); the rest are counted, and all are in the store. */
const REASONS_SHOWN = 5;

export function progressLine(p: BrokerProgress): string {
  return `alerts read ${p.alertsRead}, stored ${p.alertsStored}, ${p.alertsPerSecond.toFixed(1)} alerts/s, ${(p.elapsedMs / 1000).toFixed(1)}s`;
}

/**
 * `deadLettersAt` says where every dead letter can be read (a command, a page), shown when
 * there are any.
 */
export function formatSummary(s: BrokerSummary, deadLettersAt?: string): string {
  const lines = [
    `broker run ${s.runId}`,
    `alerts read:          ${s.alertsRead}`,
    `alerts stored:        ${s.alertsStored} (${s.alertsInserted} new, ${s.alertsStored - s.alertsInserted} replayed)`,
    `source dead letters:  ${s.sourceDeadLetters}`,
    ...reasonLines(s.deadLetterReasons.filter((g) => g.scope.kind === 'source'), '  '),
    'modules:',
  ];
  for (const m of s.modules) {
    lines.push(`  ${m.name} (${m.model}) ${m.state}${m.reason ? ` (${m.reason.split('\n')[0]})` : ''}: ${m.scored} scored, ${m.deadLettered} dead-lettered [${versionList(m)}]`);
    if (m.swapRefused) lines.push(`    swap refused: version ${m.swapRefused.version}: ${m.swapRefused.reason}`);
    lines.push(...reasonLines(s.deadLetterReasons.filter((g) => g.scope.kind === 'module' && g.scope.module === m.name), '    '));
    for (const shadow of m.shadows ?? []) {
      lines.push(`    shadow @${shadow.alias} ${shadow.state}${shadow.reason ? ` (${shadow.reason.split('\n')[0]})` : ''}: ${shadow.scored} scored, ${shadow.deadLettered} dead-lettered [${versionList(shadow)}]`);
    }
  }
  lines.push('filters:');
  for (const f of s.filters) lines.push(`  ${f.name}: ${f.matched} matched -> ${f.output}`);
  if (s.filters.length === 0) lines.push('  (none)');
  const t = s.stages;
  lines.push(
    `latency (read to stored): p50 ${s.latencyMs.p50.toFixed(1)} ms, p99 ${s.latencyMs.p99.toFixed(1)} ms`,
    `throughput:           ${s.alertsPerSecond.toFixed(1)} alerts/s (${((s.elapsedMs - s.setupMs) / 1000).toFixed(1)}s of alerts after ${(s.setupMs / 1000).toFixed(1)}s loading the modules)`,
    `stage times (ms, summed over batches): decode ${t.decodeMs}, preprocessing ${t.preprocessingMs}, model ${t.modelMs}, store ${t.storeMs}, filters ${t.filtersMs}`,
  );
  if (s.stream) lines.push(...streamLines(s.stream));
  const any = s.sourceDeadLetters > 0 || s.modules.some((m) => m.deadLettered > 0);
  if (any && deadLettersAt) lines.push(`dead letters and their reasons, all of them: ${deadLettersAt}`);
  return `${lines.join('\n')}\n`;
}

/** Per partition read: committed offset, end, lag; and the latency from the Kafka timestamp. */
function streamLines(stream: StreamStatus): string[] {
  const lines = ['stream partitions (committed / end, lag):'];
  for (const p of stream.partitions) {
    lines.push(`  ${p.topic}[${p.partition}]: ${p.committedOffset ?? '-'} / ${p.endOffset ?? '-'}, lag ${p.lag ?? '-'}; ${p.alertsStored} alerts, ${p.alertsPerSecond.toFixed(1)} alerts/s`);
  }
  if (stream.partitions.length === 0) lines.push('  (none assigned)');
  if (stream.latencyMs) lines.push(`latency (Kafka timestamp to stored): p50 ${stream.latencyMs.p50.toFixed(1)} ms, p99 ${stream.latencyMs.p99.toFixed(1)} ms`);
  return lines;
}

/** "64 x candid is not an exact integer: 32004... (first: alerts.parquet (row 12))", most frequent first. */
function versionList(m: Pick<ModuleStatus, 'version' | 'scored' | 'deadLettered' | 'versions'>): string {
  return (m.versions ?? [{ version: m.version, scored: m.scored, deadLettered: m.deadLettered }])
    .map((v) => `${v.version === null ? 'folder' : `version ${v.version}`}: ${v.scored} scored, ${v.deadLettered} dead-lettered`)
    .join('; ');
}

function reasonLines(groups: readonly DeadLetterGroup[], indent: string): string[] {
  const lines = groups.slice(0, REASONS_SHOWN).map((g) => `${indent}${g.count} x ${g.reason}${g.first ? ` (first: ${g.first})` : ''}`);
  const more = groups.slice(REASONS_SHOWN).reduce((n, g) => n + g.count, 0);
  if (more > 0) lines.push(`${indent}${more} more, for ${groups.length - REASONS_SHOWN} other reason${groups.length - REASONS_SHOWN === 1 ? '' : 's'}`);
  return lines;
}
