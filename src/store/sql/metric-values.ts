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
 * then greater stored value (a NaN counts as its stored 0, as in MLflow). Positive when `a`
 * is later than `b`.
 */
export function compareMetricPoints(
  a: { step: number; timestamp: number; value: number },
  b: { step: number; timestamp: number; value: number },
): number {
  if (a.step !== b.step) return a.step - b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  const va = storedMetricValue(a.value).value;
  const vb = storedMetricValue(b.value).value;
  return va === vb ? 0 : va > vb ? 1 : -1;
}
