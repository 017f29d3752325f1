/** Params of several runs, one column per run; rows whose values differ are marked. */
import { useState } from 'react';
import type { ComparedRun } from './compare-page.js';

export function CompareParams({ runs }: { runs: ComparedRun[] }) {
  const [onlyDifferent, setOnlyDifferent] = useState(false);
  const keys = [...new Set(runs.flatMap((r) => (r.run.data.params ?? []).map((p) => p.key)))].sort();
  if (keys.length === 0) return <p className="empty">None of these runs has parameters.</p>;
  const valueOf = (r: ComparedRun, key: string) => r.run.data.params?.find((p) => p.key === key)?.value;
  const rows = keys.map((key) => {
    const values = runs.map((r) => valueOf(r, key));
    return { key, values, differs: new Set(values).size > 1 };
  });
  const shown = onlyDifferent ? rows.filter((r) => r.differs) : rows;
  return (
    <>
      <label className="only-different">
        <input type="checkbox" checked={onlyDifferent} onChange={(e) => setOnlyDifferent(e.target.checked)} /> Only parameters that differ
      </label>
      <div className="compare-scroll">
        <table className="grid compare-table" data-testid="compare-params">
          <thead>
            <tr>
              <th>Parameter</th>
              {runs.map((r) => (
                <th key={r.run.info.run_id}>{r.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.key} data-key={row.key} className={row.differs ? 'differs' : undefined} data-differs={row.differs}>
                <th scope="row">{row.key}</th>
                {row.values.map((v, i) => (
                  <td key={i} data-run-id={runs[i]!.run.info.run_id}>
                    {v ?? <span className="meta">—</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
