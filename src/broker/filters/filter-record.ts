/**
 * What filters see of an enriched alert: Fink's flat dict of the alert (candidate or
 * diaSource fields at the top level, see fink-alert-dict.ts) with every module's outputs,
 * which win over a column of the same name. The nested `candidate` (ZTF) or `diaSource`
 * (Rubin) record is kept as well, so `candidate.magpsf` reads as the schema spells it.
 * The one place the pipeline and the store build it.
 */
import type { Alert } from '../alert.js';
import type { ModuleScores } from '../enriched-alert.js';
import { outputsOf } from '../enriched-alert.js';
import { finkAlertDict } from '../fink-alert-dict.js';
import type { FilterRecord } from './alert-filter.js';

export function filterRecord(alert: Alert, scores: readonly ModuleScores[]): FilterRecord {
  const record = finkAlertDict(alert, outputsOf(scores));
  const nested = alert.survey === 'ztf' ? 'candidate' : 'diaSource';
  if (!Object.hasOwn(record, nested) && alert.payload[nested] !== undefined) {
    record[nested] = alert.payload[nested];
  }
  return record;
}
