/**
 * `aviary models check <uri> --alerts <paths...>`: the Fink AI preprocessing contract
 * (src/runtime/preprocessing-check.ts) on real alerts. The preprocessing comes from the model
 * version's source run (or --preprocessing), runs in its own environment (its requirements.txt)
 * on every alert as a flat Fink dict, and its features go to the model. Prints `OK` or the
 * failures, naming the failing alerts (objectId/candid and the exception); exits 1 on error,
 * skipped alerts (unreadable input) included unless --allow-skipped.
 */
import { Command } from 'commander';
import { consoleLogger } from '../../common/logger.js';
import type { Alert } from '../../broker/alert.js';
import { finkAlertDict } from '../../broker/fink-alert-dict.js';
import { isDeadLetter, readAlerts } from '../../broker/read-alerts.js';
import { describeOrigin, type AlertOrigin } from '../../broker/sources/alert-source.js';
import { openAlertSource } from '../../broker/sources/open-alert-source.js';
import { defaultCacheRoot } from '../../runtime/environments/cache-layout.js';
import { UvEnvironmentBuilder } from '../../runtime/environments/uv-environment-builder.js';
import { loadModel, type LoadedModel } from '../../runtime/load-model.js';
import type { MlModel } from '../../runtime/model-format/ml-model.js';
import { readMlModel } from '../../runtime/model-format/read-ml-model.js';
import { batchForModel } from '../../runtime/model-input/batch-for-model.js';
import { fetchModel, isModelUri, type ModelStore } from '../../runtime/model-source.js';
import { checkPreprocessing, type AlertToCheck, type PredictFeatures, type PreprocessingCheckReport, type SkippedAlert } from '../../runtime/preprocessing-check.js';
import { locatePreprocessing, preprocessingEnvironmentSpec } from '../../runtime/preprocessing-check-source.js';
import { preprocessingPython } from '../../runtime/preprocessing/preprocessing-python.js';
import { PythonPreprocessingRunner } from '../../runtime/python-preprocessing-runner.js';
import { openSandbox } from '../runtime-options.js';
import { addStoreOptions } from '../store-options.js';
import { runCommand } from '../run-command.js';
import { addTrackingUriOption, openModelStore, type OpenedModelStore, type TrackingUriOptions } from '../tracking-uri-options.js';

interface CheckOptions extends TrackingUriOptions {
  alerts: string[];
  preprocessing?: string;
  limit?: string;
  model: boolean;
  allowSkipped?: boolean;
  maxMs: string;
  cacheDir?: string;
  requireSandbox?: boolean;
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const FAILURES_SHOWN = 20;

/** Adds `check` to the `models` command. */
export function addModelsCheckCommand(models: Command): Command {
  return models.addCommand(
    addTrackingUriOption(addStoreOptions(new Command('check')))
      .description("Check a model's Fink AI preprocessing (preprocessing/preprocessing.py of its source run) and the model on real alerts")
      .argument('<uri>', 'models:/name@alias, models:/name/<version>, models:/m-<id>, runs:/<run id>/<path>, or a model folder')
      .requiredOption('--alerts <paths...>', 'alert files, folders or globs (Avro, Parquet, JSON lines)')
      .option('--preprocessing <dir>', 'the folder holding preprocessing.py (default: preprocessing/ of the source run)')
      .option('--limit <n>', 'check at most this many alerts')
      .option('--max-ms <ms>', 'the mean time per alert allowed', '5')
      .option('--no-model', 'check the preprocessing only, without loading the model')
      .option('--allow-skipped', 'pass even when some alerts could not be read or turned into an alert dict')
      .option('--cache-dir <dir>', 'the environment cache (default: ${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/aviary})')
      .option('--require-sandbox', 'refuse to start unless every layer of the model sandbox is on')
      .action((uri: string, opts: CheckOptions) => runCommand(() => check(uri, opts))),
  );
}

async function check(uri: string, opts: CheckOptions): Promise<void> {
  const limit = opts.limit === undefined ? Infinity : positive(opts.limit, '--limit');
  const maxMeanMs = positive(opts.maxMs, '--max-ms');
  const builder = new UvEnvironmentBuilder({ cacheRoot: opts.cacheDir ?? defaultCacheRoot(), useUv: process.env.AVIARY_NO_UV !== '1' });
  const sandbox = openSandbox(opts, consoleLogger('models'));
  const aviary: OpenedModelStore | undefined = isModelUri(uri) ? await openModelStore(opts, consoleLogger('models')) : undefined;
  let model: LoadedModel | undefined;
  let runner: PythonPreprocessingRunner | undefined;
  const preprocessing = await locatePreprocessing(uri, aviary, opts.preprocessing).catch(async (err) => {
    await aviary?.close();
    throw err;
  });
  try {
    say(`preprocessing from ${preprocessing.from}`);
    if (opts.model) model = await loadModel(uri, { aviary, builder, sandbox, progress: say });
    // The model's Python, as the broker's preprocessing step takes it, with or without the model loaded.
    const python = await preprocessingPython(model?.model ?? (await readModelOnly(uri, aviary)));
    const spec = await preprocessingEnvironmentSpec(preprocessing.dir, python.version);
    say(`preprocessing environment: Python ${python.version} (the model's, from ${python.from}), ${spec.requirements.length} requirements`);
    const environment = await builder.build(spec, (e) => say(`[${(e.elapsedMs / 1000).toFixed(1).padStart(5)}s] ${e.phase}: ${e.message}`));
    runner = await PythonPreprocessingRunner.start({ python: environment.python, dir: preprocessing.dir, sandbox });
    say(`FEATURE_NAMES: ${runner.featureNames.join(', ')}`);
    const report = await checkPreprocessing({
      featureNames: runner.featureNames,
      alerts: alertsToCheck(opts.alerts, limit),
      preprocess: (dicts) => runner!.preprocess(dicts),
      predict: model && modelPredict(model, runner.featureNames),
      maxMeanMs,
      allowSkipped: opts.allowSkipped === true,
    });
    process.stdout.write(formatReport(report));
    if (!report.ok) {
      const first = report.errors[0]!.split('\n')[0];
      const more = report.errors.length > 1 ? ` (and ${report.errors.length - 1} more error${report.errors.length === 2 ? '' : 's'}, above)` : '';
      throw new Error(`${uri}: the check failed: ${first}${more}`);
    }
  } finally {
    await runner?.close();
    await model?.close();
    await preprocessing.dispose();
    await aviary?.close();
  }
}

/** The MLmodel of a model not loaded (--no-model): the files are fetched only to read which Python it runs on. */
async function readModelOnly(uri: string, aviary: ModelStore | undefined): Promise<MlModel> {
  const fetched = await fetchModel(uri, aviary);
  try {
    return await readMlModel(fetched.dir);
  } finally {
    await fetched.dispose();
  }
}

/** The alerts as flat Fink dicts; what cannot be read or turned into a dict is passed on as skipped, to be counted. */
async function* alertsToCheck(paths: readonly string[], limit: number): AsyncGenerator<AlertToCheck | SkippedAlert> {
  let count = 0;
  for await (const item of readAlerts(openAlertSource(paths))) {
    if (count >= limit) return;
    if (isDeadLetter(item)) {
      yield { skipped: item.reason, at: placeOf(item.origin) };
      continue;
    }
    let dict: AlertToCheck['dict'];
    try {
      dict = finkAlertDict(item);
    } catch (err) {
      yield { skipped: `no alert dict: ${err instanceof Error ? err.message : String(err)}`, at: placeOf(item.origin) };
      continue;
    }
    count += 1;
    yield { label: alertLabel(item), dict };
  }
}

/** "file, byte 12, block 3": describeOrigin's "file (byte 12, block 3)" without the parentheses, to sit inside others. */
function placeOf(origin: AlertOrigin): string {
  const described = describeOrigin(origin);
  const open = `${origin.file} (`;
  return described.startsWith(open) && described.endsWith(')') ? `${origin.file}, ${described.slice(open.length, -1)}` : described;
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
  lines.push(
    `${report.alerts} alerts checked, ${report.skipped} skipped, ${report.featureNames.length} features, ` +
      `${report.meanMs.toFixed(3)} ms per alert on average (at most ${report.maxMeanMs} ms)`,
  );
  if (report.skipped > 0) lines.push('skipped:', ...report.skippedGroups.slice(0, FAILURES_SHOWN).map((g) => `  ${g.count} x ${g.reason} (first: ${g.firstAt})`));
  if (report.skippedGroups.length > FAILURES_SHOWN) lines.push(`  ... and ${report.skippedGroups.length - FAILURES_SHOWN} more reasons`);
  if (report.predicted > 0) lines.push(`the model scored ${report.predicted} rows of features`);
  for (const failure of report.failures.slice(0, FAILURES_SHOWN)) lines.push(`  ${failure.label}: ${failure.reason}`);
  if (report.failures.length > FAILURES_SHOWN) lines.push(`  ... and ${report.failures.length - FAILURES_SHOWN} more alerts`);
  if (report.allConstant) lines.push(...constantHelp(report));
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  for (const error of report.errors) lines.push(`error: ${error}`);
  lines.push(report.ok ? 'OK' : `FAILED: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}

/** What pre_processing could have read, and what it made of the first alerts: the features as a table under FEATURE_NAMES. */
function constantHelp(report: PreprocessingCheckReport): string[] {
  const header = ['alert', ...report.featureNames];
  const rows = report.sample.map((s) => [s.label, ...s.features.map((v) => String(Number(v.toPrecision(6))))]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: readonly string[]) => `  ${cells.map((c, k) => c.padEnd(widths[k]!)).join('  ')}`.trimEnd();
  return [
    `the alert dict's fields (${report.fields.length}): ${report.fields.join(', ')}`,
    `features of the first ${rows.length} alerts:`,
    line(header),
    ...rows.map(line),
  ];
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag}: "${text}" is not a positive number`);
  return n;
}
