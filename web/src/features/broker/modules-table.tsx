import type { ModuleStatus, ShadowStatus } from '../../api/broker-api.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';

const STATE_LABELS: Record<ShadowStatus['state'], string> = {
  loading: 'loading',
  'building-environment': 'building environment',
  ready: 'ready',
  degraded: 'degraded',
  failed: 'failed',
  closed: 'closed',
};

/** A module's (or shadow's) state as a coloured badge. */
export function ModuleStateBadge({ state }: { state: ShadowStatus['state'] }) {
  return (
    <span className={`module-state module-state-${state}`} data-state={state}>
      {STATE_LABELS[state] ?? state}
    </span>
  );
}

/** The run's modules: model, version (every one used, when an alias moved), state, counts; each links to its module page. */
export function ModulesTable({ modules }: { modules: readonly ModuleStatus[] }) {
  if (modules.length === 0) return <p className="empty">This run has no modules.</p>;
  return (
    <table className="grid" data-testid="modules">
      <thead>
        <tr>
          <th>Module</th>
          <th>Model</th>
          <th>Version</th>
          <th>Alias</th>
          <th>State</th>
          <th>Scored</th>
          <th>Dead-lettered</th>
          <th>Reason</th>
        </tr>
      </thead>
      <tbody>
        {modules.map((m) => (
          <tr key={m.name} data-testid="module-row" data-module={m.name}>
            <td data-col="name">
              <Link to={paths.module(m.name)}>{m.name}</Link>
            </td>
            <td data-col="model" title={m.model}>
              {m.modelName}
            </td>
            <td data-col="version">
              {m.version ?? '—'}
              {m.versions && m.versions.length > 1 && (
                <ul className="module-versions" data-testid="module-versions">
                  {m.versions.map((v, i) => (
                    <li key={i}>
                      v{v.version ?? '—'}: {v.scored.toLocaleString('en-US')} scored, {v.deadLettered.toLocaleString('en-US')} dead-lettered
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td data-col="alias">
              {m.alias ? <span className="alias">@{m.alias}</span> : '—'}
              {m.shadows && m.shadows.length > 0 && (
                <div className="module-shadows" data-testid="module-shadows">
                  shadow {m.shadows.map((s) => `@${s.alias}${s.version ? ` v${s.version}` : ''}`).join(', ')}
                </div>
              )}
            </td>
            <td data-col="state">
              <ModuleStateBadge state={m.state} />
            </td>
            <td data-col="scored" className="num">
              {m.scored.toLocaleString('en-US')}
            </td>
            <td data-col="dead-lettered" className="num">
              {m.deadLettered.toLocaleString('en-US')}
            </td>
            <td data-col="reason">
              {m.swapRefused && (
                <div className="error-inline" data-testid="module-swap-refused">
                  swap refused: {m.swapRefused.reason}
                </div>
              )}
              {m.reason ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
