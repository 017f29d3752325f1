/** The registered models, as MLflow lists them: latest version, aliased versions, owner, tags. */
import type { RegisteredModel } from '../../api/entities.js';
import { searchRegisteredModels } from '../../api/registry-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { formatTime } from '../../components/format.js';
import { Progress } from '../../components/progress.js';
import { TagList } from '../../components/tag-list.js';
import { usePagedList } from '../../components/use-paged-list.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';

export function ModelsPage() {
  const list = usePagedList(searchRegisteredModels);
  return (
    <section>
      <h1>Registered models</h1>
      <ErrorBanner error={list.error} />
      <table className="grid" data-testid="models">
        <thead>
          <tr>
            <th>Name</th>
            <th>Latest version</th>
            <th>Aliased versions</th>
            <th>Created by</th>
            <th>Last modified</th>
            <th>Tags</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((m) => (
            <tr key={m.name} data-testid="model-row">
              <td>
                <Link to={paths.model(m.name)}>{m.name}</Link>
              </td>
              <td data-col="latest">{latestVersion(m)}</td>
              <td data-col="aliases">
                {(m.aliases ?? []).map((a) => (
                  <span key={a.alias} className="alias">
                    @{a.alias}: Version {a.version}
                  </span>
                ))}
              </td>
              <td>{m.user_id ?? '—'}</td>
              <td>{formatTime(m.last_updated_timestamp)}</td>
              <td>
                <TagList tags={m.tags} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.loading && <Progress label="Loading models…" />}
      {!list.loading && list.hasMore && <button onClick={list.loadMore}>Load more</button>}
      {!list.loading && !list.error && list.items.length === 0 && <p className="empty">No registered models.</p>}
    </section>
  );
}

function latestVersion(model: RegisteredModel): string {
  const versions = (model.latest_versions ?? []).map((v) => Number(v.version));
  return versions.length ? `Version ${Math.max(...versions)}` : '—';
}
