/** The side-by-side table, the targets and the Markdown file, from both servers' results. */
import type { Environment } from './environment.js';
import { SEARCH_QUERY, type Latency, type SearchResult } from './load.js';
import { registryAgreement, registryLines, registryRows, registryTargets } from './registry-report.js';
import type { RegistryResults, RegistrySettings } from './registry.js';
import { consoleTable as alignedTable } from '../common/tables.js';

export interface ServerResults {
  startSeconds: number[];
  rssAfterStart: { mb: number; processes: number };
  rssAfterLoad: { mb: number; processes: number };
  logMetric: Latency;
  logBatchRowsPerSecond: number;
  logBatchMixedRowsPerSecond: number;
  /** Sequential create_run + log_batch through the API, on the first runs of the search experiment. */
  apiSeedRunsPerSecond: number;
  /** Keyed by the number of runs in the experiment. */
  search: Map<number, SearchResult>;
  seeding: string;
  /** Absent when the bench ran with --no-registry. */
  registry?: RegistryResults;
}

interface Row {
  metric: string;
  aviary: number;
  mlflow: number;
  digits: number;
  better: 'lower' | 'higher';
}

export function rowsOf(a: ServerResults, m: ServerResults): Row[] {
  const rows: Row[] = [
    { metric: 'first answer after start (s, median)', aviary: median(a.startSeconds), mlflow: median(m.startSeconds), digits: 3, better: 'lower' },
    { metric: 'log_metric p50 (ms)', aviary: a.logMetric.p50, mlflow: m.logMetric.p50, digits: 2, better: 'lower' },
    { metric: 'log_metric p99 (ms)', aviary: a.logMetric.p99, mlflow: m.logMetric.p99, digits: 2, better: 'lower' },
    { metric: 'log_batch, 1,000 metrics (rows/s)', aviary: a.logBatchRowsPerSecond, mlflow: m.logBatchRowsPerSecond, digits: 0, better: 'higher' },
    {
      metric: 'log_batch, 800 metrics + 100 params + 100 tags (rows/s)',
      aviary: a.logBatchMixedRowsPerSecond,
      mlflow: m.logBatchMixedRowsPerSecond,
      digits: 0,
      better: 'higher',
    },
    { metric: 'create_run + log_batch, sequential (runs/s)', aviary: a.apiSeedRunsPerSecond, mlflow: m.apiSeedRunsPerSecond, digits: 0, better: 'higher' },
  ];
  for (const [runs, s] of a.search) {
    const other = m.search.get(runs)!;
    rows.push({ metric: `search_runs p50, ${runs.toLocaleString('en')} runs (ms)`, aviary: s.p50, mlflow: other.p50, digits: 1, better: 'lower' });
    rows.push({ metric: `search_runs p99, ${runs.toLocaleString('en')} runs (ms)`, aviary: s.p99, mlflow: other.p99, digits: 1, better: 'lower' });
  }
  rows.push(
    { metric: 'RSS after start (MB)', aviary: a.rssAfterStart.mb, mlflow: m.rssAfterStart.mb, digits: 0, better: 'lower' },
    { metric: 'RSS after the load (MB)', aviary: a.rssAfterLoad.mb, mlflow: m.rssAfterLoad.mb, digits: 0, better: 'lower' },
  );
  if (a.registry && m.registry) rows.push(...registryRows(a.registry, m.registry));
  return rows;
}

/** How many times better Aviary is: above 1 it is ahead, below 1 behind. */
function ratioOf(r: Row): number {
  return r.better === 'lower' ? r.mlflow / r.aviary : r.aviary / r.mlflow;
}

export function targetsOf(a: ServerResults, m: ServerResults): { target: string; actual: string; met: boolean }[] {
  const first = median(a.startSeconds);
  const batch = a.logBatchRowsPerSecond / m.logBatchRowsPerSecond;
  const targets = [
    { target: 'first answer <= 0.3 s', actual: `${first.toFixed(3)} s`, met: first <= 0.3 },
    { target: 'log_batch rows/s >= 10x MLflow', actual: `${batch.toFixed(1)}x`, met: batch >= 10 },
  ];
  for (const [runs, s] of a.search) {
    const ratio = m.search.get(runs)!.p50 / s.p50;
    targets.push({ target: `search p50 on ${runs.toLocaleString('en')} runs >= 10x MLflow`, actual: `${ratio.toFixed(1)}x`, met: ratio >= 10 });
  }
  for (const [when, rss] of [['after start', a.rssAfterStart], ['after the load', a.rssAfterLoad]] as const) {
    targets.push({ target: `idle memory ${when} <= 100 MB`, actual: `${rss.mb.toFixed(0)} MB`, met: rss.mb <= 100 });
  }
  if (a.registry && m.registry) targets.push(...registryTargets(a.registry, m.registry));
  return targets;
}

export interface ReportInput {
  command: string;
  environment: Environment;
  /** The database both servers kept their data in. */
  database: { label: string; description: string };
  load: string;
  minutes: number;
  mlflowCommand: string;
  settings: { starts: number; warmup: number; logMetrics: number; batches: number; searches: number; searchBudgetMs: number };
  registrySettings?: RegistrySettings;
  aviary: ServerResults;
  mlflow: ServerResults;
}

/** The first line of a backend's section of results.md, up to the colon that ends its prefix (results-section.ts). */
export function reportHeading(database: string): string {
  return `# Tracking server benchmark on ${database}:`;
}

export function markdownReport(r: ReportInput): string {
  const { environment: env, settings: s, aviary: a, mlflow: m } = r;
  const starts = (x: ServerResults) => x.startSeconds.map((t) => `${t.toFixed(3)} s`).join(', ');
  return [
    `${reportHeading(r.database.label)} Aviary vs MLflow`,
    '',
    `Taken ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} with \`${r.command}\` (${r.minutes.toFixed(1)} min).`,
    '',
    `- Machine: ${env.cores} cores (${env.cpu}), ${env.memoryGiB.toFixed(1)} GiB memory, shared with other work: 1-minute load average ${r.load}`,
    `- Versions: Node ${env.node}, Python ${env.python}, MLflow ${env.mlflow} (\`${r.mlflowCommand}\`, job execution off), Aviary ${env.aviary}`,
    `- Database: ${r.database.description}`,
    '- Client: Node fetch (undici) with keep-alive, one request at a time, from the bench process; both servers run side by side and each phase runs on Aviary, then on MLflow',
    `- Load: log_metric ${s.logMetrics} calls after ${s.warmup} warm-up; log_batch ${s.batches} calls of 1,000 entries after 1 warm-up; search \`${JSON.stringify(SEARCH_QUERY)}\` up to ${s.searches} times within ${s.searchBudgetMs / 1000} s after 1 warm-up (a first call that alone outlasts that is the one sample); calls timed: ${searchCalls(a, m)}`,
    `- First answer: spawn to the first 200 on /health, polled every 10 ms; median of ${s.starts} fresh start(s): Aviary ${starts(a)}; MLflow ${starts(m)}`,
    `- Memory: VmRSS summed over the server's process group: Aviary ${a.rssAfterLoad.processes} process, MLflow ${m.rssAfterLoad.processes} (CLI + uvicorn worker); "after the load" is 2 s after the last search`,
    `- Seeding: Aviary: ${a.seeding}. MLflow: ${m.seeding}. The same runs in both: 3 metrics, 4 params, 2 tags each, from a seeded PRNG`,
    `- Same answers: ${agreement(a, m)}`,
    ...(a.registry && m.registry && r.registrySettings ? registryLines(a.registry, m.registry, r.registrySettings) : []),
    '',
    markdownTable(a, m),
    '',
    '## Targets',
    '',
    targetsOf(a, m)
      .map((t) => `- ${t.met ? 'met' : '**not met**'}: ${t.target} (Aviary: ${t.actual})`)
      .join('\n'),
    '',
  ].join('\n');
}

function searchCalls(a: ServerResults, m: ServerResults): string {
  return [...a.search.keys()].map((n) => `${n.toLocaleString('en')} runs: Aviary ${a.search.get(n)!.count}, MLflow ${m.search.get(n)!.count}`).join('; ');
}

/** Both servers must answer each search with the same runs in the same order (compared by accuracy). */
export function agreement(a: ServerResults, m: ServerResults): string {
  const differ = [...a.search.keys()].filter((n) => {
    const [x, y] = [a.search.get(n)!.accuracies, m.search.get(n)!.accuracies];
    return x.length !== y.length || x.some((v, i) => v !== y[i]);
  });
  const runs = differ.length === 0 ? 'both servers answered every search with the same runs in the same order' : `**the answers differ** on ${differ.join(', ')} runs`;
  return a.registry && m.registry ? `${runs}; ${registryAgreement(a.registry, m.registry)}` : runs;
}

function markdownTable(a: ServerResults, m: ServerResults): string {
  const lines = ['| metric | Aviary | MLflow | ratio (x, >1 = Aviary ahead) |', '| --- | ---: | ---: | ---: |'];
  for (const r of rowsOf(a, m)) {
    lines.push(`| ${r.metric} | ${format(r.aviary, r.digits)} | ${format(r.mlflow, r.digits)} | ${ratioOf(r).toFixed(1)} |`);
  }
  return lines.join('\n');
}

/** The same table for a terminal: columns padded, no Markdown. */
export function consoleTable(a: ServerResults, m: ServerResults): string {
  const cells = [
    ['metric', 'Aviary', 'MLflow', 'ratio'],
    ...rowsOf(a, m).map((r) => [r.metric, format(r.aviary, r.digits), format(r.mlflow, r.digits), `${ratioOf(r).toFixed(1)}x`]),
  ];
  return alignedTable(cells);
}

function format(value: number, digits: number): string {
  return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
