/**
 * The records a model without a preprocessing step is given: one per alert, one column per
 * input, named as the input says (a dotted path's last part unless mapped). A field is looked up
 * in the alert's flat dict (with the outputs of the modules the module reads), then as a dotted
 * path through it, then through the payload as decoded. A missing or null value is NaN in a
 * numeric column, so a model sees the usual missing value.
 */
import type { Alert } from '../alert.js';
import type { ModuleInput } from '../config/broker-config.js';
import type { OutputValue } from '../enriched-alert.js';
import { ABSENT, finkAlertField } from '../fink-alert-dict.js';

export function inputRecords(
  alerts: readonly Alert[],
  prior: readonly Readonly<Record<string, OutputValue>>[],
  inputs: readonly ModuleInput[],
): Record<string, unknown>[] {
  const records = alerts.map((alert, i) => {
    const record: Record<string, unknown> = {};
    for (const { column, field } of inputs) record[column] = fieldOf(alert, prior[i]!, field) ?? valueAt(alert.payload, field) ?? null;
    return record;
  });
  for (const { column: name } of inputs) {
    const numeric = records.every((r) => r[name] === null || typeof r[name] === 'number' || typeof r[name] === 'bigint');
    if (numeric) for (const r of records) if (r[name] === null) r[name] = Number.NaN;
  }
  return records;
}

/** valueAt(finkAlertDict(alert, outputs), name), the dict's fields looked up one by one rather than built. */
function fieldOf(alert: Alert, outputs: Readonly<Record<string, OutputValue>>, name: string): unknown {
  const direct = finkAlertField(alert, name, outputs);
  if (direct !== ABSENT) return direct ?? undefined;
  const [first, ...rest] = name.split('.');
  const head = rest.length > 0 ? finkAlertField(alert, first!, outputs) : ABSENT;
  return head === ABSENT ? undefined : pathFrom(head, rest);
}

/** The value at `name`: a key of the record, or a dotted path through nested records. */
export function valueAt(record: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in record) return record[name] ?? undefined;
  return pathFrom(record, name.split('.'));
}

/** `value`'s nested record field at `parts`, or undefined where the path ends early. */
function pathFrom(value: unknown, parts: readonly string[]): unknown {
  for (const part of parts) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !(part in value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value ?? undefined;
}
