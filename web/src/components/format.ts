/** How times and values are written across the UI. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || ms === null) return '—';
  return new Date(Number(ms)).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatAgo(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined || ms === null) return '—';
  const seconds = Math.max(0, Math.round((now - Number(ms)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return formatTime(ms);
}

export function formatValue(value: number | string | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6 ? value.toFixed(4).replace(/0+$/, '') : value.toExponential(3);
}
