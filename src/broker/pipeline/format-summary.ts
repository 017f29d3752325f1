/** A broker run's summary and progress as a person reads them on a terminal. */
import type { BrokerProgress, BrokerSummary } from './broker-run.js';

export function progressLine(p: BrokerProgress): string {
  return `alerts read ${p.alertsRead}, stored ${p.alertsStored}, ${p.alertsPerSecond.toFixed(1)} alerts/s, ${(p.elapsedMs / 1000).toFixed(1)}s`;
}

export function formatSummary(s: BrokerSummary): string {
  const lines = [
    `broker run ${s.runId}`,
    `alerts read:          ${s.alertsRead}`,
    `alerts stored:        ${s.alertsStored} (${s.alertsInserted} new, ${s.alertsStored - s.alertsInserted} replayed)`,
    `source dead letters:  ${s.sourceDeadLetters}`,
    'modules:',
  ];
  for (const m of s.modules) {
    const versions = (m.versions ?? [{ version: m.version, scored: m.scored, deadLettered: m.deadLettered }])
      .map((v) => `${v.version === null ? 'folder' : `version ${v.version}`}: ${v.scored} scored, ${v.deadLettered} dead-lettered`)
      .join('; ');
    lines.push(`  ${m.name} (${m.model}) ${m.state}${m.reason ? ` (${m.reason.split('\n')[0]})` : ''}: ${m.scored} scored, ${m.deadLettered} dead-lettered [${versions}]`);
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
  return `${lines.join('\n')}\n`;
}
