/** Alerts as rows: exact id (linking to the alert), object, time, band, brightness and each module's score. */
import type { AlertSummary } from '../../api/aviary-api.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';
import { brightness, calendarDate, formatScore, scoreColumns, scoreOf, timeLabel } from './alert-format.js';

export function AlertsTable({ alerts, showObject = true }: { alerts: readonly AlertSummary[]; showObject?: boolean }) {
  const columns = scoreColumns(alerts);
  return (
    <table className="grid" data-testid="alerts">
      <thead>
        <tr>
          <th>Alert id</th>
          {showObject && <th>Object</th>}
          <th>Time</th>
          <th>Band</th>
          <th>Brightness</th>
          {columns.map((c) => (
            <th key={`${c.module}.${c.output}`} title={`module ${c.module}`}>
              {c.output}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => (
          <tr key={`${a.survey}|${a.alertId}`} data-testid="alert-row" data-alert-id={a.alertId}>
            <td data-col="alertId" className="mono">
              <Link to={paths.alert(a.alertId, a.survey)}>{a.alertId}</Link>
            </td>
            {showObject && (
              <td data-col="objectId" className="mono">
                {a.objectId ? <Link to={paths.object(a.objectId)}>{a.objectId}</Link> : '—'}
              </td>
            )}
            <td data-col="time" title={calendarDate(a.time, a.survey)}>
              {timeLabel(a.survey)} {a.time.toFixed(5)}
            </td>
            <td data-col="band">{a.band ?? '—'}</td>
            <td data-col="brightness">{brightness(a)}</td>
            {columns.map((c) => (
              <td key={`${c.module}.${c.output}`} data-col={`${c.module}.${c.output}`}>
                {formatScore(scoreOf(a, c.module, c.output))}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
