/**
 * `aviary alerts get | object | search | dead-letters`: the alerts the broker stored (and those
 * it could not read, score or store, with their reasons), read from the alert
 * store (`<data dir>/alerts.db` by default). Ids are read exactly (BigInt from the digits);
 * `--json` prints exact JSON (64-bit ids as unquoted digits).
 */
import { Command } from 'commander';
import type { Survey } from '../../broker/alert.js';
import { parseFilter } from '../../broker/filters/parse-filter.js';
import type { AlertStore } from '../../broker/store/alert-store.js';
import { mergedLightCurve, objectView, storedAlertView } from '../../broker/store/alert-views.js';
import { toExactJson } from '../../common/exact-json.js';
import { runCommand } from '../run-command.js';
import { addStoreOptions, alertStoreOption, type StoreOptions } from '../store-options.js';
import { withAlertStore } from '../with-alert-store.js';
import { alertsTable, formatAlert, lightCurveTable, scoresLine } from './alerts-format.js';

interface AlertsOptions extends StoreOptions {
  alertStoreUri?: string;
  json?: boolean;
  survey?: string;
  limit?: string;
  after?: string;
  module?: string;
}

export function alertsCommand(): Command {
  const alerts = new Command('alerts').description('show the alerts the broker stored, their scores and light curves');
  alerts.addCommand(
    withOptions(new Command('get'))
      .description('one alert: its envelope and every module score (--json: everything, payload included)')
      .argument('<alertId>', 'ZTF candid or Rubin diaSourceId')
      .option('--survey <survey>', 'ztf or lsst, when both surveys have the id (default: ZTF first)')
      .action((id: string, opts: AlertsOptions) => runCommand(() => withAlertStore(opts, (store) => getAlert(store, id, opts)))),
  );
  alerts.addCommand(
    withOptions(new Command('object'))
      .description("every alert of an object, with scores, and the object's light curve")
      .argument('<objectId>', 'ZTF objectId (ZTF19...), Rubin diaObjectId, or ssObjectId for a solar-system source')
      .action((id: string, opts: AlertsOptions) => runCommand(() => withAlertStore(opts, (store) => showObject(store, id, opts)))),
  );
  alerts.addCommand(
    withOptions(new Command('search'))
      .description('alerts a filter expression matches, e.g. "snia_score > 0.7 and magpsf < 19"')
      .argument('<expression>', 'filter expression (as in the broker config)')
      .option('--limit <n>', 'most alerts to print (1-1000)', '100')
      .option('--survey <survey>', 'only ztf or lsst alerts')
      .option('--after <cursor>', 'continue after the cursor a previous search printed')
      .action((expression: string, opts: AlertsOptions) => runCommand(() => search(expression, opts))),
  );
  alerts.addCommand(
    withOptions(new Command('dead-letters'))
      .description('alerts a run could not read, score or store, newest first, with the reason and where each came from')
      .option('--module <name>', "only this module's dead letters")
      .option('--limit <n>', 'most dead letters to print (1-1000)', '100')
      .action((opts: AlertsOptions) => runCommand(() => withAlertStore(opts, (store) => showDeadLetters(store, opts)))),
  );
  return alerts;
}

function withOptions(command: Command): Command {
  return addStoreOptions(command)
    .addOption(alertStoreOption())
    .option('--json', 'print exact JSON');
}

async function getAlert(store: AlertStore, id: string, opts: AlertsOptions): Promise<void> {
  const alertId = exactId(id);
  const stored = await store.getAlert(alertId, surveyOf(opts.survey));
  if (!stored) throw new Error(`no stored alert with id ${alertId}${opts.survey ? ` in survey ${opts.survey}` : ''}`);
  process.stdout.write(opts.json ? `${toExactJson(storedAlertView(stored, { payload: true }))}\n` : formatAlert(stored));
}

async function showObject(store: AlertStore, objectId: string, opts: AlertsOptions): Promise<void> {
  const found = await store.alertsOfObject(objectId);
  if (found.length === 0) throw new Error(`no stored alert of object '${objectId}'`);
  if (opts.json) {
    process.stdout.write(`${toExactJson(objectView(objectId, found))}\n`);
    return;
  }
  const scores = found.flatMap((a) => a.scores.map((s) => `  ${a.alertId}  ${scoresLine(s)}`));
  const curve = mergedLightCurve(found);
  process.stdout.write(
    `object ${objectId}: ${found.length} alert(s)\n${alertsTable(found)}\nscores:\n${scores.join('\n') || '  none'}\n\n` +
      `light curve: ${curve.length} point(s), merged over the alerts\n${lightCurveTable(curve)}`,
  );
}

async function search(expression: string, opts: AlertsOptions): Promise<void> {
  const filter = parseFilter(expression); // a syntax error is printed with a caret under its position
  const limit = Number(opts.limit);
  await withAlertStore(opts, async (store) => {
    const page = await store.searchAlerts({ filter, limit, survey: surveyOf(opts.survey), after: opts.after });
    if (opts.json) {
      process.stdout.write(`${toExactJson({ alerts: page.alerts.map((a) => storedAlertView(a)), ...(page.next && { next: page.next }) })}\n`);
      return;
    }
    process.stdout.write(page.alerts.length === 0 ? 'no alert matched\n' : alertsTable(page.alerts));
    if (page.next) process.stdout.write(`more may match: add --after ${page.next}\n`);
  });
}

async function showDeadLetters(store: AlertStore, opts: AlertsOptions): Promise<void> {
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error(`invalid --limit '${opts.limit}': expected a whole number from 1 to 1000`);
  const letters = await store.deadLetters({ ...(opts.module ? { module: opts.module } : {}), limit });
  if (opts.json) {
    process.stdout.write(`${toExactJson({ dead_letters: letters })}\n`);
    return;
  }
  if (letters.length === 0) {
    process.stdout.write('no dead letter\n');
    return;
  }
  for (const d of letters) {
    const where = d.kind === 'source' ? `${d.file} (${d.position})` : `module ${d.module} (${d.stage}), alert ${d.alertId}${d.objectId == null ? '' : ` of ${d.objectId}`}, ${d.model}${d.version ? ` version ${d.version}` : ''}`;
    process.stdout.write(`${d.at}  ${where}\n    ${d.reason.split('\n').join('\n    ')}\n`);
  }
  if (letters.length === limit) process.stdout.write(`(the newest ${limit}; --limit for more)\n`);
}

function exactId(text: string): bigint {
  if (!/^\d{1,19}$/.test(text) || BigInt(text) >= 2n ** 63n) throw new Error(`invalid alert id '${text}': expected the candid (ZTF) or diaSourceId (Rubin), a 64-bit integer`);
  return BigInt(text);
}

function surveyOf(text: string | undefined): Survey | undefined {
  if (text === undefined) return undefined;
  if (text === 'ztf' || text === 'lsst') return text;
  throw new Error(`invalid --survey '${text}': expected ztf or lsst`);
}
