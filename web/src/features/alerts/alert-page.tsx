/**
 * One alert (/alerts/<id>?survey=): its envelope, its object's light curve with this alert
 * ringed, the three cutouts, every module's score with its model version, and the raw fields.
 */
import { useState } from 'react';
import { CUTOUT_KINDS, getAlert, type AlertDetail } from '../../api/aviary-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../routing/link.js';
import { useLocation } from '../../routing/location.js';
import { paths } from '../../routing/paths.js';
import { brightness, calendarDate, formatNumber, timeLabel } from './alert-format.js';
import './alerts.css';
import { CutoutCanvas } from './cutout-canvas.js';
import type { ScaleName } from './image-scale.js';
import { ObjectLightCurve } from './object-light-curve.js';
import { RawFields } from './raw-fields.js';
import { ScoresTable } from './scores-table.js';

export function AlertPage({ alertId }: { alertId: string }) {
  const survey = useLocation().query.get('survey') ?? undefined;
  const [state] = useAsync(`${alertId}|${survey}`, (signal) => getAlert(alertId, survey, signal));
  return (
    <section className="alert-page">
      <p className="crumbs">
        <Link to={paths.alerts()}>Alerts</Link> /
      </p>
      <h1>
        Alert <span className="mono" data-testid="alert-id">{alertId}</span>
      </h1>
      {state.status === 'loading' && <Progress label="Loading the alert…" />}
      {state.status === 'error' && <ErrorBanner error={state.error} />}
      {state.status === 'done' && <AlertDetails alert={state.value} />}
    </section>
  );
}

function AlertDetails({ alert }: { alert: AlertDetail }) {
  const [scale, setScale] = useState<ScaleName>('zscale');
  return (
    <>
      <dl className="envelope" data-testid="envelope">
        <dt>Survey</dt>
        <dd>{alert.survey === 'lsst' ? 'Rubin (LSST)' : 'ZTF'}</dd>
        <dt>Alert id</dt>
        <dd className="mono" data-testid="envelope-alert-id">
          {alert.alertId}
        </dd>
        <dt>Object</dt>
        <dd className="mono">{alert.objectId ? <Link to={paths.object(alert.objectId)}>{alert.objectId}</Link> : '—'}</dd>
        <dt>Time</dt>
        <dd>
          {timeLabel(alert.survey)} {alert.time} ({calendarDate(alert.time, alert.survey)} UTC)
        </dd>
        <dt>RA, Dec</dt>
        <dd>
          {formatNumber(alert.ra, 6)}°, {formatNumber(alert.dec, 6)}°
        </dd>
        <dt>Band</dt>
        <dd>{alert.band ?? '—'}</dd>
        <dt>Brightness</dt>
        <dd>{brightness(alert)}</dd>
      </dl>
      <h2>Light curve{alert.objectId ? ` of ${alert.objectId}` : ''}</h2>
      {alert.objectId ? <ObjectLightCurve objectId={alert.objectId} survey={alert.survey} currentId={alert.alertId} /> : <p className="empty">The alert names no object.</p>}
      <h2>
        Cutouts{' '}
        <label className="scale-choice">
          scale{' '}
          <select value={scale} onChange={(e) => setScale(e.target.value as ScaleName)} data-testid="scale">
            <option value="zscale">zscale</option>
            <option value="asinh">asinh</option>
          </select>
        </label>
      </h2>
      <div className="cutouts">
        {CUTOUT_KINDS.map((kind) => (
          <CutoutCanvas key={kind} alertId={alert.alertId} survey={alert.survey} kind={kind} scale={scale} />
        ))}
      </div>
      <h2>Scores</h2>
      <ScoresTable scores={alert.scores} />
      <h2>Raw fields</h2>
      <RawFields payload={alert.payload} />
    </>
  );
}
