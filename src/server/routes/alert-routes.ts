/**
 * The broker's alerts over HTTP, read from the alert store: search with a filter expression,
 * one alert (with its payload), its cutouts as files, an object with its merged light curve,
 * broker runs, dead letters and the histograms of the modules' scores. Bodies are written with
 * `toExactJson`, so 64-bit ids travel as unquoted exact digits.
 */
import type { Survey } from '../../broker/alert.js';
import { FilterSyntaxError } from '../../broker/filters/alert-filter.js';
import { parseFilter } from '../../broker/filters/parse-filter.js';
import type { AlertStore } from '../../broker/store/alert-store.js';
import { objectView, storedAlertView } from '../../broker/store/alert-views.js';
import { CUTOUT_KINDS, type CutoutKind } from '../../broker/store/stored-alert-parts.js';
import { MlflowError } from '../../common/mlflow-error.js';
import { RESPONDED, type ApiRequest, type Route } from '../router.js';
import { sendExact } from './send-exact.js';

const MAX_ID = 2n ** 63n - 1n;
const DEFAULT_BINS = 20;

export function alertRoutes(alerts: AlertStore): Route[] {
  return [
    { method: 'GET', pattern: '/api/aviary/alerts/search', handler: (r) => searchAlerts(alerts, r) },
    { method: 'GET', pattern: '/api/aviary/alerts/:alertId', handler: (r) => getAlert(alerts, r) },
    { method: 'GET', pattern: '/api/aviary/alerts/:alertId/cutouts/:kind', handler: (r) => getCutout(alerts, r) },
    { method: 'GET', pattern: '/api/aviary/objects/:objectId', handler: (r) => getObject(alerts, r) },
    { method: 'GET', pattern: '/api/aviary/broker/runs', handler: async (r) => sendExact(r.res, { runs: await storeCall(() => alerts.runStatuses(optionalInt(r, 'limit'))) }) },
    {
      method: 'GET',
      pattern: '/api/aviary/dead-letters',
      handler: async (r) => {
        const module = r.query.get('module') ?? undefined;
        return sendExact(r.res, { dead_letters: await storeCall(() => alerts.deadLetters({ module, limit: optionalInt(r, 'limit') })) });
      },
    },
    {
      method: 'GET',
      pattern: '/api/aviary/broker/score-histograms',
      handler: async (r) => {
        const module = r.query.get('module') || undefined;
        const bins = optionalInt(r, 'bins') ?? DEFAULT_BINS;
        return sendExact(r.res, { histograms: await storeCall(() => alerts.scoreHistograms({ bins, module })) });
      },
    },
  ];
}

async function searchAlerts(alerts: AlertStore, r: ApiRequest): Promise<typeof RESPONDED> {
  const expression = r.query.get('filter') ?? '';
  let filter;
  try {
    filter = expression.trim() === '' ? undefined : parseFilter(expression);
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid filter: ${err.message}`);
    throw err;
  }
  const page = await storeCall(() =>
    alerts.searchAlerts({ filter, survey: surveyParam(r), limit: optionalInt(r, 'limit'), after: r.query.get('after') ?? undefined }),
  );
  return sendExact(r.res, { alerts: page.alerts.map((a) => storedAlertView(a)), ...(page.next !== undefined && { next: page.next }) });
}

async function getAlert(alerts: AlertStore, r: ApiRequest): Promise<typeof RESPONDED> {
  const alertId = alertIdParam(r);
  const stored = await alerts.getAlert(alertId, surveyParam(r));
  if (!stored) throw notFound(alertId, r);
  return sendExact(r.res, { alert: storedAlertView(stored, { payload: true }) });
}

async function getCutout(alerts: AlertStore, r: ApiRequest): Promise<typeof RESPONDED> {
  const alertId = alertIdParam(r);
  const kind = r.params.kind as CutoutKind;
  if (!CUTOUT_KINDS.includes(kind)) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Unknown cutout '${r.params.kind}': expected one of ${CUTOUT_KINDS.join(', ')}`);
  }
  const survey = surveyParam(r);
  const cutout = (await alerts.cutouts(alertId, survey))[kind];
  if (!cutout) {
    if (!(await alerts.getAlert(alertId, survey))) throw notFound(alertId, r);
    throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Alert ${alertId} has no ${kind} cutout`);
  }
  const name = (cutout.fileName ?? `${alertId}-${kind}.${cutout.encoding}`).replace(/[^\w.-]/g, '_');
  r.res.writeHead(200, {
    'Content-Type': cutout.encoding === 'fits.gz' ? 'application/gzip' : 'application/fits',
    'Content-Length': cutout.bytes.byteLength,
    'Content-Disposition': `attachment; filename="${name}"`,
  });
  r.res.end(cutout.bytes);
  return RESPONDED;
}

async function getObject(alerts: AlertStore, r: ApiRequest): Promise<typeof RESPONDED> {
  const objectId = r.params.objectId!;
  const found = await alerts.alertsOfObject(objectId);
  if (found.length === 0) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No stored alert of object '${objectId}'`);
  return sendExact(r.res, objectView(objectId, found));
}

/** The store's refusals of a request (a page size out of range, a cursor it did not give) are the caller's error. */
async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof RangeError) throw new MlflowError('INVALID_PARAMETER_VALUE', err.message);
    throw err;
  }
}

function alertIdParam(r: ApiRequest): bigint {
  const text = r.params.alertId!;
  if (/^\d{1,19}$/.test(text) && BigInt(text) <= MAX_ID) return BigInt(text);
  throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid alert id '${text.slice(0, 40)}' in the path: expected the alert's candid (ZTF) or diaSourceId (Rubin), a 64-bit integer`);
}

function surveyParam(r: ApiRequest): Survey | undefined {
  const survey = r.query.get('survey');
  if (survey === null || survey === '') return undefined;
  if (survey === 'ztf' || survey === 'lsst') return survey;
  throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid survey '${survey.slice(0, 40)}': expected ztf or lsst`);
}

function optionalInt(r: ApiRequest, name: string): number | undefined {
  const text = r.query.get(name);
  if (text === null || text === '') return undefined;
  if (!/^\d{1,9}$/.test(text)) throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid ${name} '${text.slice(0, 40)}': expected a positive integer`);
  return Number(text);
}

function notFound(alertId: bigint, r: ApiRequest): MlflowError {
  const survey = r.query.get('survey');
  return new MlflowError('RESOURCE_DOES_NOT_EXIST', `No stored alert with id ${alertId}${survey ? ` in survey ${survey}` : ''}`);
}
