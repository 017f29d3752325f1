/**
 * JSON as MLflow writes it: non-finite doubles travel as the strings "NaN", "Infinity" and
 * "-Infinity" (proto3 JSON), BigInt as its exact decimal digits, undefined fields left out.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    }
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}
