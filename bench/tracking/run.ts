/**
 * Aviary against the real MLflow server on the same machine, with the same load from the same
 * client. Both servers run side by side from fresh temp dirs, and every phase runs on Aviary and
 * then on MLflow before the next begins, so a change in the machine's other load hits both alike.
 *
 *   npx tsx bench/tracking/run.ts [--quick | --smoke] [--backend sqlite|postgres|sqlite,postgres] [--runs 10000,100000] [--models 10000] [--no-registry] [--keep] [--aviary-cli path/to/aviary.js]
 *
 * --backend names the database both servers keep their data in (store-backend.ts): SQLite (the
 * default), PostgreSQL (one local cluster for the run, a fresh database for each server), or
 * both, one after the other, each with its own table and its own section of results.md.
 * After the tracking load, the registry phase (registry.ts) seeds --models registered models
 * of 3 versions each and times search_registered_models and get_model_version_by_alias;
 * --no-registry skips it.
 * --aviary-cli runs another build of Aviary (say, a branch's) instead of building this checkout;
 * --keep leaves the temp dir (SQLite databases, server logs). Prints a side-by-side table and
 * writes it to bench/tracking/results.md, replacing the section of the backend it ran on.
 * --smoke proves every phase still runs on both servers, not how fast: a few calls each, 100
 * runs, 30 models, short settling pauses, no verdicts; dist/aviary.js is rebuilt (CLI only) only
 * when a source is newer, as the tests do, since tests running beside it start that file; the
 * report goes to test-output/bench-tracking-smoke.md. MLflow's own start (~15 s) stays in it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeResultsSection } from '../common/results-section.js';
import { KINDS, onBoth, type Kind } from './both.js';
import { ApiClient } from './client.js';
import { describeEnvironment, load1, mlflowHasWorkersOption, pythonEnv } from './environment.js';
import { logBatchRate, logMetricLatency, searchLatency, type SearchResult } from './load.js';
import { agreement, consoleTable, markdownReport, reportHeading, targetsOf, type ServerResults } from './report.js';
import { REGISTRY_REST, registryPhase, type RegistrySettings } from './registry.js';
import type { SourceRun } from './registry-seed.js';
import { seedViaApi } from './seed.js';
import { startServer, type RunningServer, type ServerSpec } from './servers.js';
import { openBackend, parseBackends, type ServerDatabase, type StoreBackend } from './store-backend.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    runs: { type: 'string' },
    models: { type: 'string' },
    'no-registry': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'aviary-cli': { type: 'string' },
    backend: { type: 'string', default: 'sqlite' },
  },
});
const backends = (() => {
  try {
    return parseBackends(args.backend!);
  } catch (err) {
    fail((err as Error).message);
  }
})();
const settings = args.smoke
  ? { starts: 1, warmup: 2, logMetrics: 10, batches: 1, searches: 2, searchBudgetMs: 1_000, apiSeedRuns: 10, runs: [100], settleMs: 200 }
  : args.quick
    ? { starts: 1, warmup: 20, logMetrics: 200, batches: 3, searches: 5, searchBudgetMs: 5_000, apiSeedRuns: 100, runs: [1_000], settleMs: 2_000 }
    : { starts: 3, warmup: 200, logMetrics: 2_000, batches: 20, searches: 20, searchBudgetMs: 20_000, apiSeedRuns: 1_000, runs: [10_000, 100_000], settleMs: 2_000 };
if (args.runs) settings.runs = args.runs.split(',').map(Number).sort((x, y) => x - y);
if (settings.runs.some((n) => !Number.isInteger(n) || n < settings.apiSeedRuns)) {
  fail(`--runs takes run counts of at least ${settings.apiSeedRuns}, comma-separated`);
}
const registrySettings: Omit<RegistrySettings, 'rest'> = args.smoke
  ? { models: 30, apiModels: 5, searches: 2, aliasWarmup: 2, aliasCalls: 5, settleMs: settings.settleMs }
  : args.quick
    ? { models: 1_000, apiModels: 20, searches: 20, aliasWarmup: 20, aliasCalls: 100, settleMs: settings.settleMs }
    : { models: 10_000, apiModels: 200, searches: 200, aliasWarmup: 100, aliasCalls: 1_000, settleMs: settings.settleMs };
if (args.models) registrySettings.models = Number(args.models);
if (!Number.isInteger(registrySettings.models) || registrySettings.models < registrySettings.apiModels) {
  fail(`--models takes a model count of at least ${registrySettings.apiModels}`);
}

interface Context {
  aviaryCli: string;
  venv: string;
  /** `--workers 1` when this MLflow takes it. */
  workers: string[];
  work: string;
}

async function main(): Promise<void> {
  console.log('building Aviary and getting the Python env with MLflow...');
  if (args.smoke && !args['aviary-cli']) buildCliIfStale();
  else if (!args['aviary-cli']) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: repo, stdio: 'inherit' });
  const venv = pythonEnv(repo);
  const context: Context = {
    aviaryCli: resolve(args['aviary-cli'] ?? join(repo, 'bin/aviary.js')),
    venv,
    workers: mlflowHasWorkersOption(venv) ? ['--workers', '1'] : [],
    work: mkdtempSync(join(tmpdir(), 'aviary-bench-')),
  };
  if (!args.keep) process.on('exit', () => rmSync(context.work, { recursive: true, force: true }));
  const began = performance.now();
  console.log(`temp dir ${context.work}; settings ${JSON.stringify(settings)}`);

  // A smoke run's numbers say nothing about speed: its report goes where test output goes, without verdicts.
  const out = args.smoke ? join(repo, 'test-output', 'bench-tracking-smoke.md') : join(here, 'results.md');
  mkdirSync(dirname(out), { recursive: true });
  if (args.smoke) writeFileSync(out, '');
  for (const name of backends) {
    const backend = await openBackend(name);
    try {
      const { results, markdown } = await benchOn(backend, context);
      writeResultsSection(out, reportHeading(backend.label), markdown);
      console.log(`\nAviary vs MLflow, both on ${backend.label}:\n${consoleTable(results.aviary, results.mlflow)}\n`);
      if (!args.smoke) for (const t of targetsOf(results.aviary, results.mlflow)) console.log(`${t.met ? 'met    ' : 'NOT MET'}  ${t.target}: ${t.actual}`);
      console.log(agreement(results.aviary, results.mlflow));
    } finally {
      await backend.close();
    }
  }
  console.log(`\n${args.smoke ? `smoke run (${((performance.now() - began) / 1000).toFixed(1)} s), not a measurement; ` : ''}written to ${out}`);
}

/** Every phase on both servers, each keeping its data in `backend`; their results and the report's section. */
async function benchOn(backend: StoreBackend, { aviaryCli, venv, workers, work }: Context) {
  console.log(`\n== both servers on ${backend.label} ==`);
  const loadBefore = load1();
  const began = performance.now();
  const specFor = (kind: Kind, dir: string, database: ServerDatabase): ServerSpec => {
    const common = { cwd: dir, logFile: join(dir, 'server.log') };
    if (kind === 'aviary') {
      const store = database.storeUri ? ['--backend-store-uri', database.storeUri] : [];
      return { ...common, name: 'Aviary', command: process.execPath, args: (p) => [aviaryCli, 'server', '--host', '127.0.0.1', '--port', String(p), '--data-dir', dir, ...store] };
    }
    return {
      ...common,
      name: 'MLflow',
      command: `${venv}/bin/mlflow`,
      args: (p) => ['server', '--host', '127.0.0.1', '--port', String(p), ...workers,
        '--backend-store-uri', database.storeUri!, '--artifacts-destination', `${dir}/artifacts`],
      // The job runner (8 huey consumer processes) serves GenAI jobs, not tracking; MLflow's own switch turns it off.
      env: { MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' },
    };
  };

  // Every start but the last is only timed; the last one takes the load.
  const servers = {} as Record<Kind, RunningServer>;
  const databases = {} as Record<Kind, ServerDatabase>;
  const starts: Record<Kind, number[]> = { aviary: [], mlflow: [] };
  for (let i = 1; i <= settings.starts; i++) {
    await onBoth(`start ${i}, first answer (s)`, async (kind) => {
      await servers[kind]?.stop();
      const dir = join(work, `${backend.name}-${kind}-${i}`);
      mkdirSync(dir, { recursive: true });
      databases[kind] = await backend.freshDatabase(kind, dir);
      servers[kind] = await startServer(specFor(kind, dir, databases[kind]));
      starts[kind].push(servers[kind].startSeconds);
      return servers[kind].startSeconds;
    }, (s) => s.toFixed(3));
  }
  try {
    await sleep(settings.settleMs / 2);
    const rssAfterStart = await onBoth('RSS after start (MB)', async (kind) => servers[kind].rss(), (r) => `${r.mb.toFixed(0)} (${r.processes} processes)`);
    const clients = { aviary: new ApiClient(servers.aviary.baseUrl), mlflow: new ApiClient(servers.mlflow.baseUrl) };
    const loadExperiment = await onBoth('load experiment', (kind) => clients[kind].createExperiment('bench-load'), String);
    const searchExperiment = await onBoth('search experiment', (kind) => clients[kind].createExperiment('bench-search'), String);

    const ms = (l: { p50: number; p99: number }) => `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`;
    const logMetric = await onBoth('log_metric', (k) => logMetricLatency(clients[k], loadExperiment[k], settings.warmup, settings.logMetrics), ms);
    const rate = (r: number) => `${r.toFixed(0)} rows/s`;
    const logBatch = await onBoth('log_batch', (k) => logBatchRate(clients[k], loadExperiment[k], settings.batches, false), rate);
    const logBatchMixed = await onBoth('log_batch mixed', (k) => logBatchRate(clients[k], loadExperiment[k], settings.batches, true), rate);
    const apiSeed = await onBoth(
      `create_run + log_batch x ${settings.apiSeedRuns}`,
      async (k) => settings.apiSeedRuns / (await seedViaApi(clients[k], searchExperiment[k], 0, settings.apiSeedRuns)),
      (r) => `${r.toFixed(0)} runs/s`,
    );

    // Past the first runs seeded through the API, both are seeded in SQL: 100,000 runs through the API take minutes on either.
    const search: Record<Kind, Map<number, SearchResult>> = { aviary: new Map(), mlflow: new Map() };
    let seeded = settings.apiSeedRuns;
    for (const runs of settings.runs) {
      await onBoth(`seed runs ${seeded}..${runs - 1} (s)`, (k) => backend.seedRuns(databases[k], k, searchExperiment[k], seeded, runs), (s) => s.toFixed(1));
      seeded = runs;
      await onBoth(`search_runs on ${runs} runs`, async (k) => {
        const result = await searchLatency(clients[k], searchExperiment[k], settings.searches, settings.searchBudgetMs);
        search[k].set(runs, result);
        return result;
      }, (r) => `${ms(r)} (${r.count} calls, ${r.accuracies.length} runs answered)`);
    }
    await sleep(settings.settleMs);
    const rssAfterLoad = await onBoth('RSS after the load (MB)', async (kind) => servers[kind].rss(), (r) => `${r.mb.toFixed(0)} (${r.processes} processes)`);
    const registryServer = (k: Kind) => ({
      client: clients[k],
      seedInDatabase: (run: SourceRun, from: number, to: number) => backend.seedModels(databases[k], k, run, from, to),
      rss: () => servers[k].rss(),
    });
    const registryOn = { ...registrySettings, rest: REGISTRY_REST[backend.name] };
    const registry = args['no-registry']
      ? undefined
      : await registryPhase({ aviary: registryServer('aviary'), mlflow: registryServer('mlflow') }, registryOn, backend.label);

    const seeding: Record<Kind, string> = {
      aviary: `the first ${settings.apiSeedRuns} runs through its REST API, the rest straight into its ${backend.label} database (runs, run_tags, run_params, metrics, latest_metrics) while it ran`,
      mlflow: `the first ${settings.apiSeedRuns} runs through its REST API, the rest straight into its ${backend.label} database (runs, tags, params, metrics, latest_metrics, with the values its SqlAlchemyStore writes for create_run and log_batch) while it ran`,
    };
    const results = {} as Record<Kind, ServerResults>;
    for (const k of KINDS) {
      results[k] = {
        startSeconds: starts[k],
        rssAfterStart: rssAfterStart[k],
        rssAfterLoad: rssAfterLoad[k],
        logMetric: logMetric[k],
        logBatchRowsPerSecond: logBatch[k],
        logBatchMixedRowsPerSecond: logBatchMixed[k],
        apiSeedRunsPerSecond: apiSeed[k],
        search: search[k],
        seeding: seeding[k],
        registry: registry?.[k],
      };
    }

    const markdown = markdownReport({
      command: `npx tsx bench/tracking/run.ts${process.argv.slice(2).map((a) => ` ${a}`).join('')}`,
      environment: describeEnvironment(repo, venv, args['aviary-cli']),
      database: backend,
      load: `${loadBefore} before, ${load1()} after`,
      minutes: (performance.now() - began) / 60_000,
      mlflowCommand: `mlflow server ${workers.join(' ')}`.trim(),
      settings,
      registrySettings: registry ? registryOn : undefined,
      aviary: results.aviary,
      mlflow: results.mlflow,
    });
    return { results, markdown };
  } finally {
    for (const kind of KINDS) await servers[kind]?.stop();
  }
}

/** dist/aviary.js rebuilt (CLI only) when a source is newer, as tests/ts/global-setup.ts does. */
function buildCliIfStale(): void {
  const built = statSync(join(repo, 'dist/aviary.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((n, e) => Math.max(n, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  if (newest(join(repo, 'src')) > built || newest(join(repo, 'scripts')) > built) {
    execFileSync(process.execPath, ['scripts/build.mjs', '--cli'], { cwd: repo, stdio: 'inherit' });
  }
}

await main().catch((err: Error) => fail(err.message));

/** One line on stderr, exit 1: what failed and where; the servers' logs hold the rest. */
function fail(message: string): never {
  console.error(`bench/tracking/run.ts: ${message}`);
  process.exit(1);
}
