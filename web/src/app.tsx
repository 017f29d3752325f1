/** The page frame (header and navigation) and which page the URL shows. */
import { ExperimentsPage } from './features/experiments/experiments-page.js';
import { ModelPage } from './features/models/model-page.js';
import { ModelsPage } from './features/models/models-page.js';
import { RunsPage } from './features/runs/runs-page.js';
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
        <Link to={paths.experiments()} className={page.kind === 'experiments' || page.kind === 'runs' ? 'active' : undefined}>
          Experiments
        </Link>
        <Link to={paths.models()} className={page.kind === 'models' || page.kind === 'model' ? 'active' : undefined}>
          Models
        </Link>
      </header>
      <main>
        {page.kind === 'experiments' && <ExperimentsPage />}
        {page.kind === 'runs' && <RunsPage key={page.experimentId} experimentId={page.experimentId} />}
        {page.kind === 'models' && <ModelsPage />}
        {page.kind === 'model' && <ModelPage key={page.name} name={page.name} />}
        {page.kind === 'not-found' && (
          <p className="error" role="alert">
            No page at {path}.
          </p>
        )}
      </main>
    </>
  );
}
