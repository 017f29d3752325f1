import type { Disagreement } from '../../api/module-api.js';
import { formatValue } from '../../components/format.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';

/** The alerts where the two scores differ most, largest |difference| first, each linked to its alert page. */
export function DisagreementsTable({ rows, championLabel, shadowLabel }: { rows: readonly Disagreement[]; championLabel: string; shadowLabel: string }) {
  if (rows.length === 0) return <p className="empty">No compared alert.</p>;
  return (
    <table className="grid disagreements" data-testid="disagreements">
      <thead>
        <tr>
          <th>Alert</th>
          <th>Object</th>
          <th>{championLabel}</th>
          <th>{shadowLabel}</th>
          <th>Difference</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={`${d.survey}/${d.alertId}`} data-testid="disagreement-row" data-alert-id={d.alertId}>
            <td data-col="alert" className="mono">
              <Link to={paths.alert(d.alertId, d.survey)}>{d.alertId}</Link>
            </td>
            <td data-col="object" className="mono">
              {d.objectId ? <Link to={paths.object(d.objectId)}>{d.objectId}</Link> : '—'}
            </td>
            <td data-col="champion" className="num" data-value={d.champion}>
              {formatValue(d.champion)}
            </td>
            <td data-col="shadow" className="num" data-value={d.shadow}>
              {formatValue(d.shadow)}
            </td>
            <td data-col="difference" className="num" data-value={d.difference}>
              {d.difference > 0 ? '+' : ''}
              {formatValue(d.difference)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
