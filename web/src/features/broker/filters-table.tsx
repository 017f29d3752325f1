import type { FilterStatus } from '../../api/broker-api.js';

/** The run's filters: expression, alerts matched, where the matches were written. */
export function FiltersTable({ filters }: { filters: readonly FilterStatus[] }) {
  if (filters.length === 0) return <p className="empty">This run has no filters.</p>;
  return (
    <table className="grid" data-testid="filters">
      <thead>
        <tr>
          <th>Filter</th>
          <th>Expression</th>
          <th>Matched</th>
          <th>Output</th>
        </tr>
      </thead>
      <tbody>
        {filters.map((f) => (
          <tr key={f.name} data-testid="filter-row" data-filter={f.name}>
            <td data-col="name">{f.name}</td>
            <td data-col="expression" className="mono">
              {f.expression}
            </td>
            <td data-col="matched" className="num">
              {f.matched.toLocaleString('en-US')}
            </td>
            <td data-col="output" className="mono">
              {f.output}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
