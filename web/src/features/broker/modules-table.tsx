import type { ModuleStatus } from '../../api/broker-api.js';

const STATE_LABELS: Record<ModuleStatus['state'], string> = {
  loading: 'loading',
  'building-environment': 'building environment',
  ready: 'ready',
  degraded: 'degraded',
  closed: 'closed',
};

/** The run's modules: model, version (every one used, when an alias moved), state, counts. */
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
            <td data-col="name">{m.name}</td>
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
            <td data-col="alias">{m.alias ? <span className="alias">@{m.alias}</span> : '—'}</td>
            <td data-col="state">
              <span className={`module-state module-state-${m.state}`} data-state={m.state}>
                {STATE_LABELS[m.state] ?? m.state}
              </span>
            </td>
            <td data-col="scored" className="num">
              {m.scored.toLocaleString('en-US')}
            </td>
            <td data-col="dead-lettered" className="num">
              {m.deadLettered.toLocaleString('en-US')}
            </td>
            <td data-col="reason">{m.reason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
