/** An object's merged light curve, loaded from the API; the current alert ringed when given. */
import { getObject } from '../../api/aviary-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { timeLabel } from './alert-format.js';
import { LightCurveChart } from './light-curve-chart.js';

export function ObjectLightCurve({ objectId, survey, currentId }: { objectId: string; survey: string; currentId?: string }) {
  const [state] = useAsync(objectId, (signal) => getObject(objectId, signal));
  if (state.status === 'loading') return <Progress label="Loading the light curve…" />;
  if (state.status === 'error') return <ErrorBanner error={state.error} />;
  return <LightCurveChart points={state.value.lightCurve} currentId={currentId} timeLabel={timeLabel(survey)} />;
}
