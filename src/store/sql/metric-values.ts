/**
 * NaN cannot be stored as a REAL in SQLite (it becomes NULL), so a metric row holds `value = 0`
 * and `is_nan = 1` instead, as MLflow's own SQL store does. Infinities are stored as they are.
 */
export function storedMetricValue(value: number): { value: number; is_nan: number } {
  return Number.isNaN(value) ? { value: 0, is_nan: 1 } : { value, is_nan: 0 };
}

export function metricValueOf(row: { value: number; is_nan: number }): number {
  return row.is_nan ? Number.NaN : row.value;
}

/**
 * MLflow's order for "the latest value" of a metric: greater step, then greater timestamp,
 * then greater value (NaN lowest). Positive when `a` is later than `b`.
 */
export function compareMetricPoints(
  a: { step: number; timestamp: number; value: number },
  b: { step: number; timestamp: number; value: number },
): number {
  if (a.step !== b.step) return a.step - b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  if (Number.isNaN(a.value)) return Number.isNaN(b.value) ? 0 : -1;
  if (Number.isNaN(b.value)) return 1;
  return a.value === b.value ? 0 : a.value > b.value ? 1 : -1;
}
