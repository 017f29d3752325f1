/**
 * An experiment's runs: filter, sort and columns live in the URL (?filter=&order=&columns=),
 * so a view can be bookmarked and shared. Runs load a page at a time as the table scrolls.
 */
import { useMemo, useState } from 'react';
import { getExperiment } from '../../api/tracking-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../routing/link.js';
import { navigate, replaceQuery, useLocation } from '../../routing/location.js';
import { paths } from '../../routing/paths.js';
import { ColumnChooser } from './column-chooser.js';
import { FilterBox } from './filter-box.js';
import { availableDataColumns, dataColumn, FIXED_COLUMNS } from './run-columns.js';
import { RunsTable } from './runs-table.js';
import { useRunPages } from './use-run-pages.js';

const DEFAULT_ORDER = 'attributes.start_time DESC';
/** With no columns chosen in the URL, the first few the runs offer are shown. */
const DEFAULT_DATA_COLUMNS = 6;

export function RunsPage({ experimentId }: { experimentId: string }) {
  const { query } = useLocation();
  const filter = query.get('filter') ?? '';
  const orderBy = query.get('order') ?? DEFAULT_ORDER;
  const chosenParam = query.get('columns');
  const [experiment] = useAsync(experimentId, (signal) => getExperiment(experimentId, signal));
  const runQuery = useMemo(() => ({ experimentId, filter, orderBy }), [experimentId, filter, orderBy]);
  const pages = useRunPages(runQuery);
  const [selected, setSelected] = useState<string[]>([]);
  const selection = useMemo(
    () => ({
      experimentId,
      selected: new Set(selected),
      onToggle: (runId: string, on: boolean) => setSelected((s) => (on ? [...s.filter((id) => id !== runId), runId] : s.filter((id) => id !== runId))),
    }),
    [experimentId, selected],
  );

  const available = useMemo(() => availableDataColumns(pages.runs.slice(0, 500)), [pages.runs]);
  const chosen = chosenParam === null ? available.slice(0, DEFAULT_DATA_COLUMNS) : chosenParam.split(',').filter(Boolean);
  const columns = [...FIXED_COLUMNS, ...chosen.map(dataColumn)];
  const filterError = filter && pages.error ? pages.error : undefined;

  return (
    <section>
      <nav className="crumbs">
        <Link to={paths.experiments()}>Experiments</Link> /{' '}
        <span data-testid="experiment-name">{experiment.status === 'done' ? experiment.value.name : experimentId}</span>
      </nav>
      {experiment.status === 'error' && <ErrorBanner error={experiment.error} />}
      <div className="toolbar">
        <FilterBox filter={filter} error={filterError} onApply={(f) => replaceQuery({ filter: f })} />
        <ColumnChooser available={available} chosen={chosen} onChange={(c) => replaceQuery({ columns: c.join(',') })} />
        <button
          type="button"
          data-testid="compare-runs"
          disabled={selected.length < 2}
          title={selected.length < 2 ? 'Tick two or more runs to compare them' : undefined}
          onClick={() => navigate(paths.compare(experimentId, selected))}
        >
          Compare{selected.length > 0 ? ` (${selected.length})` : ''}
        </button>
      </div>
      {!filterError && <ErrorBanner error={pages.error} />}
      <div className="table-status" data-testid="runs-status">
        {pages.loading ? <Progress label={`Loading runs… ${pages.runs.length} loaded`} /> : `${pages.runs.length}${pages.complete ? '' : '+'} runs`}
      </div>
      <RunsTable
        runs={pages.runs}
        columns={columns}
        orderBy={orderBy}
        onOrderBy={(order) => replaceQuery({ order })}
        onNearEnd={pages.loadMore}
        height={Math.max(300, window.innerHeight - 230)}
        selection={selection}
      />
      {!pages.loading && !pages.error && pages.runs.length === 0 && <p className="empty">No runs match.</p>}
    </section>
  );
}
