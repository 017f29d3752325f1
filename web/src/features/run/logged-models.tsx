/** The models a run logged, with links to their registered versions. */
import { searchLoggedModelsOfRun } from '../../api/run-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { formatTime } from '../../components/format.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';

export function LoggedModels({ experimentId, runId }: { experimentId: string; runId: string }) {
  const [models] = useAsync(`${experimentId}/${runId}`, (signal) => searchLoggedModelsOfRun(experimentId, runId, signal));
  if (models.status === 'loading') return <Progress label="Loading logged models…" />;
  if (models.status === 'error') return <ErrorBanner error={models.error} />;
  if (models.value.length === 0) return <p className="empty">No logged models.</p>;
  return (
    <table className="grid" data-testid="logged-models">
      <thead>
        <tr>
          <th>Name</th>
          <th>Model id</th>
          <th>Status</th>
          <th>Created</th>
          <th>Registered as</th>
        </tr>
      </thead>
      <tbody>
        {models.value.map(({ info }) => (
          <tr key={info.model_id} data-testid="logged-model-row">
            <td>{info.name}</td>
            <td className="mono">{info.model_id}</td>
            <td>{(info.status ?? '').replace(/^LOGGED_MODEL_/, '').toLowerCase()}</td>
            <td>{formatTime(info.creation_timestamp_ms)}</td>
            <td data-col="registrations">
              {(info.registrations ?? []).map((r) => (
                <span key={`${r.name}/${r.version}`} className="registration">
                  <Link to={paths.model(r.name)}>
                    {r.name} v{r.version}
                  </Link>
                </span>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
