import type { BrokerRunStatus, ModuleStatus } from '../../api/broker-api.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';
import { ModuleStateBadge } from '../broker/modules-table.js';
import { FactList, formatInstant, type Fact } from '../broker/run-summary.js';
import { SwapRefusedBanner } from './swap-refused-banner.js';

/** The module in its latest run: model, alias and version (every one used), state and counts; a refused swap first. */
export function ModuleStatusSection({ run, module }: { run: BrokerRunStatus; module: ModuleStatus }) {
  const facts: Fact[] = [
    ['version', 'Version', module.version ?? '—'],
    ['scored', 'Scored', module.scored.toLocaleString('en-US')],
    ['dead-lettered', 'Dead-lettered', module.deadLettered.toLocaleString('en-US')],
  ];
  return (
    <section data-testid="module-status" data-state={module.state} data-version={module.version ?? ''}>
      {module.swapRefused && <SwapRefusedBanner refusal={module.swapRefused} alias={module.alias} kept={module.version} />}
      <p className="meta">
        <ModuleStateBadge state={module.state} /> model{' '}
        {module.version !== null ? (
          <Link to={paths.model(module.modelName)}>{module.modelName}</Link>
        ) : (
          <span className="mono">{module.model}</span>
        )}
        {module.alias && (
          <>
            {' '}
            following <span className="alias">@{module.alias}</span>
          </>
        )}{' '}
        in the {run.state} run <Link to={`${paths.broker()}?run=${encodeURIComponent(run.runId)}`}>{run.runId}</Link> (updated {formatInstant(run.updatedAt)})
      </p>
      <FactList facts={facts} />
      {module.reason && (
        <p className="error-inline" data-testid="module-reason">
          {module.reason}
        </p>
      )}
      {module.versions && module.versions.length > 1 && (
        <ul className="module-versions" data-testid="module-versions">
          {module.versions.map((v, i) => (
            <li key={i} data-version={v.version ?? ''} data-scored={v.scored}>
              v{v.version ?? '—'}: {v.scored.toLocaleString('en-US')} scored, {v.deadLettered.toLocaleString('en-US')} dead-lettered
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
