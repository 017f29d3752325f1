/**
 * `aviary models check <uri> --alerts <paths...>`: the Fink AI preprocessing contract
 * (src/runtime/preprocessing-check.ts) on real alerts. The preprocessing comes from the model
 * version's source run (or --preprocessing), runs in its own environment (its requirements.txt)
 * on every alert as a flat Fink dict, and its features go to the model. Prints `OK` or the
 * failures, naming the failing alerts (objectId/candid and the exception); exits 1 on error.
 */
import { Command } from 'commander';
import { openAviary, type Aviary } from '../../app/open-aviary.js';
import { consoleLogger } from '../../common/logger.js';
import type { Alert } from '../../broker/alert.js';
import { finkAlertDict } from '../../broker/fink-alert-dict.js';
import { isDeadLetter, readAlerts } from '../../broker/read-alerts.js';
import { describeOrigin } from '../../broker/sources/alert-source.js';
import { openAlertSource } from '../../broker/sources/open-alert-source.js';
import { defaultCacheRoot } from '../../runtime/environments/cache-layout.js';
import { PythonLocator } from '../../runtime/environments/python-locator.js';
import { UvEnvironmentBuilder } from '../../runtime/environments/uv-environment-builder.js';
import { loadModel, type LoadedModel } from '../../runtime/load-model.js';
import { batchForModel } from '../../runtime/model-input/batch-for-model.js';
import { isModelUri } from '../../runtime/model-source.js';
import { checkPreprocessing, type AlertToCheck, type PredictFeatures, type PreprocessingCheckReport } from '../../runtime/preprocessing-check.js';
import { locatePreprocessing, preprocessingEnvironmentSpec } from '../../runtime/preprocessing-check-source.js';
import { PythonPreprocessingRunner } from '../../runtime/python-preprocessing-runner.js';
import { addStoreOptions, configFromOptions, type StoreOptions } from '../store-options.js';
import { runCommand } from '../run-command.js';

interface CheckOptions extends StoreOptions {
  alerts: string[];
  preprocessing?: string;
  limit?: string;
  model: boolean;
  maxMs: string;
  cacheDir?: string;
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const FAILURES_SHOWN = 20;

/** Adds `check` to the `models` command. */
export function addModelsCheckCommand(models: Command): Command {
  return models.addCommand(
    addStoreOptions(new Command('check'))
      .description("Check a model's Fink AI preprocessing (preprocessing/preprocessing.py of its source run) and the model on real alerts")
      .argument('<uri>', 'models:/name@alias, models:/name/<version>, models:/m-<id>, runs:/<run id>/<path>, or a model folder')
      .requiredOption('--alerts <paths...>', 'alert files, folders or globs (Avro, Parquet, JSON lines)')
      .option('--preprocessing <dir>', 'the folder holding preprocessing.py (default: preprocessing/ of the source run)')
      .option('--limit <n>', 'check at most this many alerts')
      .option('--max-ms <ms>', 'the mean time per alert allowed', '5')
      .option('--no-model', 'check the preprocessing only, without loading the model')
      .option('--cache-dir <dir>', 'the environment cache (default: ${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/aviary})')
      .action((uri: string, opts: CheckOptions) => runCommand(() => check(uri, opts))),
  );
}

async function check(uri: string, opts: CheckOptions): Promise<void> {
  const limit = opts.limit === undefined ? Infinity : positive(opts.limit, '--limit');
  const maxMeanMs = positive(opts.maxMs, '--max-ms');
  const builder = new UvEnvironmentBuilder({ cacheRoot: opts.cacheDir ?? defaultCacheRoot(), useUv: process.env.AVIARY_NO_UV !== '1' });
  const aviary: Aviary | undefined = isModelUri(uri) ? await openAviary(configFromOptions(opts), consoleLogger('models')) : undefined;
  let model: LoadedModel | undefined;
  let runner: PythonPreprocessingRunner | undefined;
  const preprocessing = await locatePreprocessing(uri, aviary, opts.preprocessing).catch(async (err) => {
    await aviary?.close();
    throw err;
  });
  try {
    say(`preprocessing from ${preprocessing.from}`);
    if (opts.model) model = await loadModel(uri, { aviary, builder, progress: say });
    // The model's Python, as the broker's preprocessing step takes it; else the newest Python 3 here.
    const python = model?.environment?.pythonVersion ?? model?.model.pythonFunction?.pythonVersion ?? (await newestPython());
    const spec = await preprocessingEnvironmentSpec(preprocessing.dir, python);
    say(`preprocessing environment: Python ${python}, ${spec.requirements.length} requirements`);
    const environment = await builder.build(spec, (e) => say(`[${(e.elapsedMs / 1000).toFixed(1).padStart(5)}s] ${e.phase}: ${e.message}`));
    runner = await PythonPreprocessingRunner.start({ python: environment.python, dir: preprocessing.dir });
    say(`FEATURE_NAMES: ${runner.featureNames.join(', ')}`);
    const report = await checkPreprocessing({
      featureNames: runner.featureNames,
      alerts: alertsToCheck(opts.alerts, limit),
      preprocess: (dicts) => runner!.preprocess(dicts),
      predict: model && modelPredict(model, runner.featureNames),
      maxMeanMs,
    });
    process.stdout.write(formatReport(report));
    if (!report.ok) process.exitCode = 1;
  } finally {
    await runner?.close();
    await model?.close();
    await preprocessing.dispose();
    await aviary?.close();
  }
}

/** The alerts as flat Fink dicts; dead letters are reported on stderr and skipped (the data's fault, not the preprocessing's). */
async function* alertsToCheck(paths: readonly string[], limit: number): AsyncGenerator<AlertToCheck> {
  let count = 0;
  for await (const item of readAlerts(openAlertSource(paths))) {
    if (count >= limit) return;
    if (isDeadLetter(item)) {
      say(`warning: skipped ${describeOrigin(item.origin)}: ${item.reason}`);
      continue;
    }
    count += 1;
    yield { label: alertLabel(item), dict: finkAlertDict(item) };
  }
}

/** objectId/candid (ZTF), diaObjectId/diaSourceId (Rubin). */
export function alertLabel(alert: Alert): string {
  return `${alert.objectId ?? '-'}/${alert.alertId}`;
}

function modelPredict(model: LoadedModel, names: readonly string[]): PredictFeatures {
  return async (rows) => {
    const columns = names.map((_, k) => rows.map((row) => row[k]!));
    const predictions = await model.runtime.predict(batchForModel({ names, columns, rows: rows.length }, model.signature?.inputs));
    return predictions.data[0]?.length;
  };
}

export function formatReport(report: PreprocessingCheckReport): string {
  const lines: string[] = [];
  lines.push(`${report.alerts} alerts, ${report.featureNames.length} features, ${report.meanMs.toFixed(3)} ms per alert on average (at most ${report.maxMeanMs} ms)`);
  if (report.predicted > 0) lines.push(`the model scored ${report.predicted} rows of features`);
  for (const failure of report.failures.slice(0, FAILURES_SHOWN)) lines.push(`  ${failure.label}: ${failure.reason}`);
  if (report.failures.length > FAILURES_SHOWN) lines.push(`  ... and ${report.failures.length - FAILURES_SHOWN} more alerts`);
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  for (const error of report.errors) lines.push(`error: ${error}`);
  lines.push(report.ok ? 'OK' : `FAILED: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}

async function newestPython(): Promise<string> {
  const found = await new PythonLocator().all();
  const python3 = found.find((p) => p.version.startsWith('3.'));
  if (!python3) throw new Error('no Python 3 interpreter found to run the preprocessing');
  return python3.version;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag}: "${text}" is not a positive number`);
  return n;
}
