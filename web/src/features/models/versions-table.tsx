/** A model's versions with the runs that produced them (each run links to its experiment's runs, filtered to it). */
import type { ModelVersion, Run } from '../../api/entities.js';
import { describeError } from '../../api/api-error.js';
import { formatTime } from '../../components/format.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';

export type SourceRuns = ReadonlyMap<string, Run | { error: unknown }>;

export function VersionsTable({ versions, runs }: { versions: ModelVersion[]; runs: SourceRuns }) {
  return (
    <table className="grid" data-testid="versions">
      <thead>
        <tr>
          <th>Version</th>
          <th>Registered</th>
          <th>Aliases</th>
          <th>Status</th>
          <th>Source run</th>
          <th>Source</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.version} data-testid="version-row">
            <td>Version {v.version}</td>
            <td>{formatTime(v.creation_timestamp)}</td>
            <td>
              {(v.aliases ?? []).map((a) => (
                <span key={a} className="alias">
                  @{a}
                </span>
              ))}
            </td>
            <td>{v.status}</td>
            <td data-col="run">{v.run_id ? <RunCell runId={v.run_id} run={runs.get(v.run_id)} /> : '—'}</td>
            <td className="mono">{v.source}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RunCell({ runId, run }: { runId: string; run: Run | { error: unknown } | undefined }) {
  if (!run) return <span>{runId}</span>;
  if ('error' in run) return <span className="error-inline">{describeError(run.error)}</span>;
  const to = paths.experiment(run.info.experiment_id, { filter: `attributes.run_id = '${runId}'` });
  return <Link to={to}>{run.info.run_name ?? runId}</Link>;
}
