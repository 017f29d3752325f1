/**
 * The runs filter: MLflow's search grammar (`metrics.acc > 0.9 and params.model = 'forest'`),
 * applied on Enter. The server parses it; its error is shown here, under the box.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { describeError } from '../../api/api-error.js';

export function FilterBox({ filter, error, onApply }: { filter: string; error: unknown; onApply: (filter: string) => void }) {
  const [text, setText] = useState(filter);
  useEffect(() => setText(filter), [filter]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(text.trim());
  };
  return (
    <form className="filter" onSubmit={submit} role="search">
      <input
        aria-label="Filter runs"
        data-testid="run-filter"
        placeholder="metrics.rmse < 1 and params.model = 'tree'"
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={error ? true : undefined}
      />
      <button type="submit">Search</button>
      {filter && (
        <button type="button" onClick={() => onApply('')}>
          Clear
        </button>
      )}
      {error !== undefined && (
        <div className="filter-error" role="alert" data-testid="filter-error">
          {describeError(error)}
        </div>
      )}
    </form>
  );
}
