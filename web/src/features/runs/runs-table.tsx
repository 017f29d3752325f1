/**
 * The runs as a windowed table: a sticky header whose sortable cells set `order_by` (a click
 * sorts descending, a second ascending), and a body of rows rendered only where in view.
 */
import type { Run } from '../../api/entities.js';
import { VirtualRows } from '../../components/virtual-rows.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';
import type { RunColumn } from './run-columns.js';

const ROW_HEIGHT = 30;

/** Ticked runs (for comparing); the run name links to the run's page. */
export interface RunSelection {
  experimentId: string;
  selected: ReadonlySet<string>;
  onToggle: (runId: string, selected: boolean) => void;
}

export function RunsTable(props: {
  runs: Run[];
  columns: RunColumn[];
  orderBy: string;
  onOrderBy: (orderBy: string) => void;
  onNearEnd: () => void;
  height: number;
  selection?: RunSelection;
}) {
  const { runs, columns, orderBy } = props;
  const template = columns.map((c) => `${c.width}px`).join(' ');
  const width = columns.reduce((sum, c) => sum + c.width, 0);
  const [sortKey, direction] = splitOrder(orderBy);

  const header = (
    <div className="vhead" style={{ gridTemplateColumns: template }} role="row">
      {columns.map((c) => {
        const sorted = c.orderBy !== undefined && c.orderBy === sortKey;
        const next = sorted && direction === 'DESC' ? `${c.orderBy} ASC` : `${c.orderBy} DESC`;
        return (
          <div
            key={c.id}
            role="columnheader"
            data-testid={`header-${c.id}`}
            aria-sort={sorted ? (direction === 'DESC' ? 'descending' : 'ascending') : undefined}
            className={c.orderBy ? 'sortable' : undefined}
            onClick={c.orderBy ? () => props.onOrderBy(next) : undefined}
            title={c.orderBy ? `Sort by ${c.orderBy}` : undefined}
          >
            {c.label}
            {sorted && (direction === 'DESC' ? ' ↓' : ' ↑')}
          </div>
        );
      })}
    </div>
  );

  return (
    <VirtualRows
      rowCount={runs.length}
      rowHeight={ROW_HEIGHT}
      height={props.height}
      header={header}
      minWidth={width}
      onNearEnd={props.onNearEnd}
      renderRow={(i) => {
        const run = runs[i]!;
        return (
          <div className="vcells" style={{ gridTemplateColumns: template }} role="row" data-testid="run-row" data-run-id={run.info.run_id}>
            {columns.map((c) => (
              <div key={c.id} role="cell" data-col={c.id} title={c.title?.(run)}>
                {c.id === 'run_name' && props.selection ? <RunNameCell run={run} name={c.text(run)} selection={props.selection} /> : c.text(run)}
              </div>
            ))}
          </div>
        );
      }}
    />
  );
}

function RunNameCell({ run, name, selection }: { run: Run; name: string; selection: RunSelection }) {
  const id = run.info.run_id;
  return (
    <>
      <input
        type="checkbox"
        className="run-select"
        style={{ marginRight: '0.4rem' }}
        aria-label={`Select ${name}`}
        data-testid="run-select"
        checked={selection.selected.has(id)}
        onChange={(e) => selection.onToggle(id, e.target.checked)}
      />
      <Link to={paths.run(selection.experimentId, id)}>{name}</Link>
    </>
  );
}

/** `metrics.\`acc\` ASC` → [metrics.`acc`, ASC]; no direction means ascending, as in MLflow. */
function splitOrder(orderBy: string): [string, 'ASC' | 'DESC'] {
  const match = /^(.*?)\s+(ASC|DESC)$/i.exec(orderBy.trim());
  return match ? [match[1]!, match[2]!.toUpperCase() as 'ASC' | 'DESC'] : [orderBy.trim(), 'ASC'];
}
