/** The experiment list, newest first, a page at a time. */
import { searchExperiments } from '../../api/tracking-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { formatTime } from '../../components/format.js';
import { Progress } from '../../components/progress.js';
import { TagList } from '../../components/tag-list.js';
import { usePagedList } from '../../components/use-paged-list.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';

export function ExperimentsPage() {
  const list = usePagedList(searchExperiments);
  return (
    <section>
      <h1>Experiments</h1>
      <ErrorBanner error={list.error} />
      <table className="grid" data-testid="experiments">
        <thead>
          <tr>
            <th>Name</th>
            <th>ID</th>
            <th>Created</th>
            <th>Last modified</th>
            <th>Tags</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((e) => (
            <tr key={e.experiment_id} data-testid="experiment-row">
              <td>
                <Link to={paths.experiment(e.experiment_id)}>{e.name}</Link>
              </td>
              <td>{e.experiment_id}</td>
              <td>{formatTime(e.creation_time)}</td>
              <td>{formatTime(e.last_update_time)}</td>
              <td>
                <TagList tags={e.tags} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.loading && <Progress label="Loading experiments…" />}
      {!list.loading && list.hasMore && <button onClick={list.loadMore}>Load more</button>}
    </section>
  );
}
