import type { DeadLetter } from '../../api/broker-api.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';
import { formatInstant } from './run-summary.js';

interface Props {
  readonly deadLetters: readonly DeadLetter[];
  readonly modules: readonly string[];
  readonly module: string | undefined;
  readonly onModule: (module: string | undefined) => void;
}

/** Dead letters, newest first: a module's (alert, stage) or a source's (file, position), each with its reason. */
export function DeadLettersSection({ deadLetters, modules, module, onModule }: Props) {
  return (
    <section data-testid="dead-letters">
      <div className="toolbar">
        <label>
          Module{' '}
          <select data-testid="dead-letter-module" value={module ?? ''} onChange={(e) => onModule(e.target.value || undefined)}>
            <option value="">all (modules and sources)</option>
            {[...new Set([...modules, ...(module ? [module] : [])])].map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      </div>
      {deadLetters.length === 0 ? (
        <p className="empty" data-testid="dead-letters-empty">
          {module ? `No dead letters of module ${module}.` : 'No dead letters: every alert was read and scored.'}
        </p>
      ) : (
        <table className="grid" data-testid="dead-letter-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Module or source</th>
              <th>Alert</th>
              <th>Stage</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {deadLetters.map((d, i) => (
              <tr key={i} data-testid="dead-letter-row" data-kind={d.kind}>
                <td>{formatInstant(d.at)}</td>
                <td data-col="where">{d.kind === 'module' ? `${d.module} (${d.model}${d.version ? ` v${d.version}` : ''})` : <span className="mono">{d.file}</span>}</td>
                <td data-col="alert" className="mono">
                  {d.kind === 'module' && d.alertId ? <Link to={paths.alert(d.alertId, d.survey)}>{d.alertId}</Link> : (d.position ?? '')}
                </td>
                <td data-col="stage">{d.stage ?? 'source'}</td>
                <td data-col="reason">{d.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
