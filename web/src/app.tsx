/** The page frame (header and navigation) and which page the URL shows. */
import { UserMenu } from './auth/user-menu.js';
import { AlertPage } from './features/alerts/alert-page.js';
import { AlertsPage } from './features/alerts/alerts-page.js';
import { ObjectPage } from './features/alerts/object-page.js';
import { BrokerPage } from './features/broker/broker-page.js';
import { ComparePage } from './features/compare/compare-page.js';
import { ExperimentsPage } from './features/experiments/experiments-page.js';
import { ModelPage } from './features/models/model-page.js';
import { ModulePage } from './features/module/module-page.js';
import { ModelsPage } from './features/models/models-page.js';
import { RunPage } from './features/run/run-page.js';
import { RunsPage } from './features/runs/runs-page.js';
import { TokensPage } from './features/tokens/tokens-page.js';
import { Link } from './routing/link.js';
import { useLocation } from './routing/location.js';
import { pageOf, paths } from './routing/paths.js';

export function App() {
  const { path } = useLocation();
  const page = pageOf(path);
  return (
    <>
      <header className="top">
        <span className="brand">Aviary</span>
        <Link to={paths.experiments()} className={['experiments', 'runs', 'run', 'compare'].includes(page.kind) ? 'active' : undefined}>
          Experiments
        </Link>
        <Link to={paths.models()} className={page.kind === 'models' || page.kind === 'model' ? 'active' : undefined}>
          Models
        </Link>
        <Link to={paths.broker()} className={page.kind === 'broker' || page.kind === 'module' ? 'active' : undefined}>
          Broker
        </Link>
        <Link to={paths.alerts()} className={['alerts', 'alert', 'object'].includes(page.kind) ? 'active' : undefined}>
          Alerts
        </Link>
        <UserMenu />
      </header>
      <main>
        {page.kind === 'experiments' && <ExperimentsPage />}
        {page.kind === 'runs' && <RunsPage key={page.experimentId} experimentId={page.experimentId} />}
        {page.kind === 'run' && <RunPage key={page.runId} experimentId={page.experimentId} runId={page.runId} />}
        {page.kind === 'compare' && <ComparePage key={page.experimentId} experimentId={page.experimentId} />}
        {page.kind === 'models' && <ModelsPage />}
        {page.kind === 'model' && <ModelPage key={page.name} name={page.name} />}
        {page.kind === 'broker' && <BrokerPage />}
        {page.kind === 'module' && <ModulePage key={page.name} name={page.name} />}
        {page.kind === 'alerts' && <AlertsPage />}
        {page.kind === 'alert' && <AlertPage key={page.alertId} alertId={page.alertId} />}
        {page.kind === 'object' && <ObjectPage key={page.objectId} objectId={page.objectId} />}
        {page.kind === 'tokens' && <TokensPage />}
        {page.kind === 'not-found' && (
          <p className="error" role="alert">
            No page at {path}.
          </p>
        )}
      </main>
    </>
  );
}
