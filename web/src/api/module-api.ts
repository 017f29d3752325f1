/**
 * A broker module's champion against its shadow aliases (/api/aviary/modules/<module>): the
 * comparison over the alerts both scored, and the promotion that moves the module's alias to a
 * shadow's version. Read with the exact JSON reader: disagreement alert ids keep every digit.
 */
import { ApiError } from './api-error.js';
import { apiErrorOf, apiFetch } from './api-fetch.js';
import { idText, parseExactJson } from './exact-json.js';

const MODULES_API = '/api/aviary/modules';

/** src/broker/comparison/module-comparison.ts as the browser keeps it: ids as their digits. */
export interface ModuleComparison {
  readonly module: string;
  readonly modelName: string;
  readonly championAlias: string | null;
  readonly output: string;
  readonly threshold: number;
  readonly shadows: readonly ShadowComparison[];
  /** Why the module's own labels could not be read: the comparison is without them. */
  readonly labelsUnavailable?: string;
}

export interface ShadowComparison {
  readonly alias: string;
  readonly championVersions: readonly (string | null)[];
  readonly shadowVersions: readonly (string | null)[];
  readonly count: number;
  readonly agreement: number | null;
  readonly correlation: number | null;
  readonly meanAbsDifference: number | null;
  readonly maxAbsDifference: number | null;
  readonly histogram: { readonly edges: readonly number[]; readonly champion: readonly number[]; readonly shadow: readonly number[] };
  readonly disagreements: readonly Disagreement[];
  readonly labels?: LabelComparison;
}

export interface Disagreement {
  readonly survey: 'ztf' | 'lsst';
  readonly alertId: string;
  readonly objectId: string | null;
  readonly champion: number;
  readonly shadow: number;
  readonly difference: number;
}

export interface LabelComparison {
  readonly source: string;
  readonly positive: string;
  readonly labelled: number;
  readonly positives: number;
  readonly champion: LabelMetrics;
  readonly shadow: LabelMetrics;
}

export interface LabelMetrics {
  readonly precision: number | null;
  readonly recall: number | null;
  readonly rocAuc: number | null;
  readonly confusion: { readonly truePositives: number; readonly falsePositives: number; readonly trueNegatives: number; readonly falseNegatives: number };
}

export interface ComparisonQuery {
  readonly alias?: string;
  readonly output?: string;
  readonly threshold?: number;
}

/** What a promotion did: `alias` (the module's) moved from version `from` to `to`. */
export interface Promotion {
  readonly module: string;
  readonly modelName: string;
  readonly alias: string;
  readonly from: string | null;
  readonly to: string;
}

export async function getModuleComparison(module: string, options: ComparisonQuery, signal?: AbortSignal): Promise<ModuleComparison> {
  const query = new URLSearchParams();
  if (options.alias) query.set('alias', options.alias);
  if (options.output) query.set('output', options.output);
  if (options.threshold !== undefined) query.set('threshold', String(options.threshold));
  const url = `${MODULES_API}/${encodeURIComponent(module)}/comparison${query.size > 0 ? `?${query.toString()}` : ''}`;
  const response = await apiFetch(url, { signal });
  if (!response.ok) throw await apiErrorOf(response, `GET ${url}`);
  const text = await response.text();
  let body: ModuleComparison;
  try {
    body = parseExactJson(text) as ModuleComparison;
  } catch (err) {
    throw new ApiError(response.status, 'BAD_RESPONSE', `GET ${url} answered something that is not JSON (${(err as Error).message}): ${text.slice(0, 200)}`);
  }
  return {
    ...body,
    shadows: body.shadows.map((s) => ({
      ...s,
      disagreements: s.disagreements.map((d) => ({ ...d, alertId: idText(d.alertId), objectId: d.objectId === null || d.objectId === undefined ? null : idText(d.objectId) })),
    })),
  };
}

/** Moves the alias the module follows to the version `shadowAlias` points at (MANAGE on the model). */
export async function promoteModule(module: string, shadowAlias: string): Promise<Promotion> {
  const url = `${MODULES_API}/${encodeURIComponent(module)}/promote`;
  const response = await apiFetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ alias: shadowAlias }) });
  if (!response.ok) throw await apiErrorOf(response, `POST ${url}`);
  const body = (await response.json()) as Promotion;
  return { ...body, from: body.from === null || body.from === undefined ? null : String(body.from), to: String(body.to) };
}
