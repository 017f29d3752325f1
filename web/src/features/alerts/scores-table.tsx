/** Every module's score of an alert, with the model and the version that made it. */
import type { ModuleScore } from '../../api/aviary-api.js';
import { formatScore, versionText } from './alert-format.js';

export function ScoresTable({ scores }: { scores: readonly ModuleScore[] }) {
  if (scores.length === 0) return <p className="empty">No module scored this alert.</p>;
  return (
    <table className="grid" data-testid="scores">
      <thead>
        <tr>
          <th>Module</th>
          <th>Model</th>
          <th>Version</th>
          <th>Outputs</th>
        </tr>
      </thead>
      <tbody>
        {scores.map((s) => (
          <tr key={s.module} data-testid="score-row" data-module={s.module}>
            <td data-col="module">{s.module}</td>
            <td data-col="model" className="mono">
              {s.model}
            </td>
            <td data-col="version">{versionText(s.version)}</td>
            <td data-col="outputs">
              {Object.entries(s.outputs).map(([name, value]) => (
                <span key={name} className="score-output" data-output={name}>
                  {name} = <b>{formatScore(value)}</b>
                </span>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
