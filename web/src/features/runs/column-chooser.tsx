/** Picks which metrics and params are columns of the runs table. */
export function ColumnChooser({ available, chosen, onChange }: { available: string[]; chosen: string[]; onChange: (columns: string[]) => void }) {
  const all = [...new Set([...chosen, ...available])];
  const toggle = (column: string) => onChange(chosen.includes(column) ? chosen.filter((c) => c !== column) : [...chosen, column]);
  return (
    <details className="chooser" data-testid="column-chooser">
      <summary>Columns ({chosen.length})</summary>
      <div className="chooser-list">
        {all.length === 0 && <p>No metrics or params in these runs.</p>}
        {all.map((column) => (
          <label key={column}>
            <input type="checkbox" checked={chosen.includes(column)} onChange={() => toggle(column)} /> {column}
          </label>
        ))}
      </div>
    </details>
  );
}
