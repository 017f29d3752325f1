/** Who ran what, when, and how it ended. */
import type { RunDetail } from '../../api/run-api.js';
import { formatTime } from '../../components/format.js';

const tag = (run: RunDetail, key: string) => run.data.tags?.find((t) => t.key === key)?.value;

export function formatDuration(start?: number, end?: number): string {
  if (!start || !end) return '—';
  const seconds = (Number(end) - Number(start)) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function RunHeader({ run }: { run: RunDetail }) {
  const { info } = run;
  const rows: [string, string, string][] = [
    ['Status', info.status, 'status'],
    ['Started', formatTime(info.start_time), 'start'],
    ['Ended', formatTime(info.end_time), 'end'],
    ['Duration', formatDuration(info.start_time, info.end_time), 'duration'],
    ['User', info.user_id || tag(run, 'mlflow.user') || '—', 'user'],
    ['Source', tag(run, 'mlflow.source.name') ?? '—', 'source'],
    ['Run id', info.run_id, 'run-id'],
  ];
  return (
    <header className="run-header">
      <h1 data-testid="run-name">{info.run_name ?? info.run_id}</h1>
      <dl className="run-facts">
        {rows.map(([label, value, id]) => (
          <div key={id}>
            <dt>{label}</dt>
            <dd data-testid={`run-${id}`} className={id === 'status' ? `status status-${value.toLowerCase()}` : id === 'run-id' ? 'mono' : undefined}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
    </header>
  );
}
