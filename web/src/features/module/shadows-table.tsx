import type { ModuleStatus } from '../../api/broker-api.js';
import type { Promotion } from '../../api/module-api.js';
import { ModuleStateBadge } from '../broker/modules-table.js';
import { PromoteButton } from './promote-button.js';

interface Props {
  readonly module: ModuleStatus;
  /** MANAGE on the module's registered model: the Promote buttons are shown. */
  readonly mayPromote: boolean;
  readonly onPromoted: (promotion: Promotion) => void;
}

/** The module's shadow aliases in the run: the version each scores with, its state and counts, and its promotion. */
export function ShadowsTable({ module, mayPromote, onPromoted }: Props) {
  const shadows = module.shadows ?? [];
  const promotable = mayPromote && module.alias !== undefined;
  return (
    <table className="grid" data-testid="shadows">
      <thead>
        <tr>
          <th>Shadow</th>
          <th>Version</th>
          <th>State</th>
          <th>Scored</th>
          <th>Dead-lettered</th>
          <th>Reason</th>
          {promotable && <th />}
        </tr>
      </thead>
      <tbody>
        {shadows.map((s) => (
          <tr key={s.alias} data-testid="shadow-row" data-alias={s.alias}>
            <td data-col="alias">
              <span className="alias">@{s.alias}</span>
            </td>
            <td data-col="version">
              {s.version ?? '—'}
              {s.versions && s.versions.length > 1 && (
                <ul className="module-versions">
                  {s.versions.map((v, i) => (
                    <li key={i}>
                      v{v.version ?? '—'}: {v.scored.toLocaleString('en-US')} scored
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td data-col="state">
              <ModuleStateBadge state={s.state} />
            </td>
            <td data-col="scored" className="num">
              {s.scored.toLocaleString('en-US')}
            </td>
            <td data-col="dead-lettered" className="num">
              {s.deadLettered.toLocaleString('en-US')}
            </td>
            <td data-col="reason">
              {s.swapRefused && <div className="error-inline">swap refused: {s.swapRefused.reason} (version {s.swapRefused.version})</div>}
              {s.reason ?? ''}
            </td>
            {promotable && (
              <td>
                <PromoteButton module={module.name} shadowAlias={s.alias} alias={module.alias!} fromVersion={module.version} toVersion={s.version} onPromoted={onPromoted} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
