/** An object (/objects/<id>): the light curve merged over its stored alerts, and those alerts with their scores. */
import { getObject } from '../../api/aviary-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';
import { timeLabel } from './alert-format.js';
import './alerts.css';
import { AlertsTable } from './alerts-table.js';
import { LightCurveChart } from './light-curve-chart.js';

export function ObjectPage({ objectId }: { objectId: string }) {
  const [state] = useAsync(objectId, (signal) => getObject(objectId, signal));
  return (
    <section className="object-page">
      <p className="crumbs">
        <Link to={paths.alerts()}>Alerts</Link> /
      </p>
      <h1>
        Object <span className="mono" data-testid="object-id">{objectId}</span>
      </h1>
      {state.status === 'loading' && <Progress label="Loading the object…" />}
      {state.status === 'error' && <ErrorBanner error={state.error} />}
      {state.status === 'done' && (
        <>
          <h2>Light curve</h2>
          <LightCurveChart points={state.value.lightCurve} timeLabel={timeLabel(state.value.alerts[0]?.survey)} />
          <h2>Alerts ({state.value.alerts.length})</h2>
          <AlertsTable alerts={state.value.alerts} showObject={false} />
        </>
      )}
    </section>
  );
}
