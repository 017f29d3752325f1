import type { BrokerRunStatus } from '../../api/broker-api.js';
import { formatInstant } from './run-summary.js';

/** Chooses the run shown among the latest ones (newest first). */
export function RunPicker({ runs, chosen, onChoose }: { runs: readonly BrokerRunStatus[]; chosen: string | undefined; onChoose: (runId: string | undefined) => void }) {
  return (
    <label className="run-picker">
      Run{' '}
      <select data-testid="run-picker" value={chosen ?? ''} onChange={(e) => onChoose(e.target.value === runs[0]?.runId ? undefined : e.target.value)}>
        {!chosen && <option value="">—</option>}
        {runs.map((r, i) => (
          <option key={r.runId} value={r.runId}>
            {formatInstant(r.startedAt)} · {r.state}
            {i === 0 ? ' (latest)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
