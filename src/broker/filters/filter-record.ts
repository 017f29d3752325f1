/**
 * What filters see of an enriched alert: Fink's flat dict of the alert (candidate or
 * diaSource fields at the top level, see fink-alert-dict.ts) with every module's outputs,
 * which win over a column of the same name. The nested `candidate` (ZTF) or `diaSource`
 * (Rubin) record is kept as well, so `candidate.magpsf` reads as the schema spells it.
 * A shadow alias's outputs are there only as `module@alias` (a nested record: filters read
 * `snia@challenger.snia_score`), never under the output's own name.
 * The one place the pipeline and the store build it.
 */
import type { Alert } from '../alert.js';
import type { ModuleScores, ShadowScores } from '../enriched-alert.js';
import { outputsOf } from '../enriched-alert.js';
import { finkAlertDict } from '../fink-alert-dict.js';
import type { FilterRecord } from './alert-filter.js';

export function filterRecord(alert: Alert, scores: readonly ModuleScores[], shadows: readonly ShadowScores[] = []): FilterRecord {
  const record = finkAlertDict(alert, outputsOf(scores));
  for (const shadow of shadows) record[shadowKey(shadow.module, shadow.alias)] = { ...shadow.outputs };
  const nested = alert.survey === 'ztf' ? 'candidate' : 'diaSource';
  if (!Object.hasOwn(record, nested) && alert.payload[nested] !== undefined) {
    record[nested] = alert.payload[nested];
  }
  return record;
}

/** How filters name a module's shadow alias: `snia@challenger`. */
export function shadowKey(module: string, alias: string): string {
  return `${module}@${alias}`;
}
