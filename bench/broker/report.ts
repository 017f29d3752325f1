/** The tables bench/broker prints and writes: decoding side by side, the end-to-end runs, the targets. */
import type { StageTimes } from '../../src/broker/pipeline/broker-run.js';
import { DECODER_LABELS, DECODERS, decodeStats, type DecodeResult, type DecodeSet } from './decode.js';
import type { EndToEndRun } from './end-to-end.js';
export { consoleTable, markdownTable } from '../common/tables.js';

export const TARGET_ALERTS_PER_SECOND = 3000;
export const TARGET_DECODE_RATIO = 2;

export interface DecodeSection {
  readonly label: string;
  readonly set: DecodeSet;
  readonly result: DecodeResult;
}

export function decodeTable(section: DecodeSection): string[][] {
  const { set, result } = section;
  const fast = decodeStats(set, result, 'fastavro');
  const rows: string[][] = [['decoding ' + section.label, 'median s', 'alerts/s', 'MB/s', 'x fastavro', 'each pass (s)']];
  for (const d of DECODERS) {
    const s = decodeStats(set, result, d);
    rows.push([
      DECODER_LABELS[d],
      s.medianSeconds.toFixed(2),
      int(s.alertsPerSecond),
      s.megabytesPerSecond.toFixed(0),
      (s.alertsPerSecond / fast.alertsPerSecond).toFixed(2),
      result.seconds[d].map((x) => x.toFixed(2)).join(', '),
    ]);
  }
  return rows;
}

const STAGES: [keyof StageTimes, string][] = [
  ['decodeMs', 'decode'],
  ['preprocessingMs', 'preprocessing'],
  ['modelMs', 'model'],
  ['storeMs', 'store'],
  ['filtersMs', 'filters'],
];

export function endToEndTable(runs: readonly EndToEndRun[]): string[][] {
  const rows: string[][] = [['end to end', ...runs.map((r) => r.label)]];
  const row = (label: string, value: (r: EndToEndRun) => string) => rows.push([label, ...runs.map(value)]);
  row('alerts read / stored', (r) => `${int(r.summary.alertsRead)} / ${int(r.summary.alertsStored)}`);
  row('alerts/s (summary: stored from the first alert read, setup left out)', (r) => int(r.summary.alertsPerSecond));
  row('elapsed (summary), s', (r) => (r.summary.elapsedMs / 1000).toFixed(1));
  row('runBroker call, s', (r) => r.wallSeconds.toFixed(1));
  row('  of which setup: call to first alert read (models loaded), s', (r) => r.setupSeconds.toFixed(1));
  row('  alerts/s from the first alert read to the end', (r) => int(r.flowingAlertsPerSecond));
  row('latency read -> stored, p50 ms', (r) => ms(r.summary.latencyMs.p50));
  row('latency read -> stored, p99 ms', (r) => ms(r.summary.latencyMs.p99));
  for (const [key, name] of STAGES) {
    row(`stage ${name}: s summed (share of elapsed); µs/alert`, (r) => {
      const total = r.summary.stages[key];
      return `${(total / 1000).toFixed(1)} (${pct(total / r.summary.elapsedMs)}); ${(total * 1000 / Math.max(1, r.summary.alertsRead)).toFixed(0)}`;
    });
  }
  row('modules: scored / dead-lettered', (r) => r.summary.modules.map((m) => `${m.name} ${int(m.scored)}/${int(m.deadLettered)}`).join(', ') || 'none');
  row('filters: matched', (r) => r.summary.filters.map((f) => `${f.name} ${int(f.matched)}`).join(', ') || 'none');
  row('SQLite store at the end, MB', (r) => (r.storeBytes / 1e6).toFixed(0));
  return rows;
}

/** The stages by their share of the elapsed time, largest first: "model 61%, store 20%, ...". */
export function whereTimeGoes(run: EndToEndRun): string {
  return STAGES.map(([key, name]) => [name, run.summary.stages[key] / run.summary.elapsedMs] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([name, share]) => `${name} ${pct(share)}`)
    .join(', ');
}

export interface Target {
  readonly target: string;
  readonly actual: string;
  readonly met: boolean | undefined;
}

export function targets(decode: DecodeSection | undefined, modules: EndToEndRun | undefined, ceiling: EndToEndRun | undefined, missing?: string): Target[] {
  const out: Target[] = [];
  if (modules) {
    const rate = modules.summary.alertsPerSecond;
    const extra = rate < TARGET_ALERTS_PER_SECOND ? `; time (summed over batches, as shares of the elapsed time): ${whereTimeGoes(modules)}${ceiling ? `; with no module the pipeline reaches ${int(ceiling.summary.alertsPerSecond)} alerts/s` : ''}` : '';
    out.push({
      target: `end to end, three modules, real ZTF alerts: >= ${int(TARGET_ALERTS_PER_SECOND)} alerts/s`,
      actual: `${int(rate)} alerts/s over ${int(modules.summary.alertsStored)} alerts, setup included (${int(modules.flowingAlertsPerSecond)} from the first alert read)${extra}`,
      met: rate >= TARGET_ALERTS_PER_SECOND,
    });
  } else {
    out.push({ target: `end to end, three modules, real ZTF alerts: >= ${int(TARGET_ALERTS_PER_SECOND)} alerts/s`, actual: `not measured: ${missing ?? 'skipped'}`, met: undefined });
  }
  if (decode) {
    const fast = decodeStats(decode.set, decode.result, 'fastavro').alertsPerSecond;
    const records = decodeStats(decode.set, decode.result, 'records').alertsPerSecond;
    const alerts = decodeStats(decode.set, decode.result, 'alerts').alertsPerSecond;
    out.push({
      target: `Avro decoding >= ${TARGET_DECODE_RATIO}x fastavro (same files, same run)`,
      actual: `${(records / fast).toFixed(2)}x (${int(records)} vs ${int(fast)} alerts/s); through readAlerts to Alert envelopes ${(alerts / fast).toFixed(2)}x`,
      met: records / fast >= TARGET_DECODE_RATIO,
    });
  }
  return out;
}

export function verdict(t: Target): string {
  return t.met === undefined ? 'NOT MEASURED' : t.met ? 'MET' : 'MISSED';
}


export function int(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en') : 'n/a';
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en', { minimumFractionDigits: value < 10 ? 2 : 0, maximumFractionDigits: value < 10 ? 2 : 0 });
}

function pct(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}
