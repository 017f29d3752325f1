/**
 * Alert search (/alerts?filter=&after=&survey=): a filter expression over the alerts' fields
 * and scores (the server's error shown under the box, caret included), an object id box that
 * opens the object page, and the matching alerts a page at a time.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, describeError } from '../../api/api-error.js';
import { searchAlerts } from '../../api/aviary-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../routing/link.js';
import { navigate, useLocation } from '../../routing/location.js';
import { paths } from '../../routing/paths.js';
import './alerts.css';
import { AlertsTable } from './alerts-table.js';

const PAGE_SIZE = 50;

export function AlertsPage() {
  const { query } = useLocation();
  const filter = query.get('filter') ?? '';
  const after = query.get('after') ?? undefined;
  const survey = query.get('survey') ?? undefined;
  const [state] = useAsync(`${filter}|${after}|${survey}`, (signal) => searchAlerts({ filter, after, survey, limit: PAGE_SIZE }, signal));
  const filterError = state.status === 'error' && state.error instanceof ApiError && state.error.status === 400 ? state.error : undefined;
  const withParams = (changes: Record<string, string | undefined>) => {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries({ filter, survey, ...changes })) if (value) params[key] = value;
    return paths.alerts(params);
  };
  return (
    <section className="alerts-page">
      <h1>Alerts</h1>
      <div className="toolbar alert-search">
        <FilterForm key={`filter:${filter}`} initial={filter} error={filterError} onSearch={(expression) => navigate(withParams({ filter: expression.trim() }))} />
        <ObjectForm key={`object:${query.get('object') ?? ''}`} initial={query.get('object') ?? ''} />
      </div>
      {state.status === 'error' && !filterError && <ErrorBanner error={state.error} />}
      {state.status === 'loading' && <Progress label="Searching the alerts…" />}
      {state.status === 'done' && (
        <>
          <p className="table-status" data-testid="search-status">
            {state.value.alerts.length === 0 ? 'No alert matches.' : `${state.value.alerts.length} alert${state.value.alerts.length === 1 ? '' : 's'} on this page`}
            {after && ' (not the first page)'}
            {filter && (
              <>
                {' '}
                matching <code>{filter}</code>
              </>
            )}
          </p>
          {state.value.alerts.length > 0 && <AlertsTable alerts={state.value.alerts} />}
          <nav className="pager">
            {after && <Link to={withParams({ after: undefined })}>First page</Link>}
            {state.value.next !== undefined && (
              <Link to={withParams({ after: state.value.next })}>
                Next page →
              </Link>
            )}
          </nav>
        </>
      )}
    </section>
  );
}

function FilterForm({ initial, error, onSearch }: { initial: string; error?: ApiError; onSearch: (expression: string) => void }) {
  const [text, setText] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(text);
  };
  return (
    <form className="filter" onSubmit={submit} role="search">
      <input
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="filter, e.g. cls_score > 0.5 and drb > 0.5"
        aria-label="filter expression"
        aria-invalid={error ? true : undefined}
        data-testid="filter-input"
      />
      <button type="submit">Search</button>
      {error && (
        <pre className="filter-error" role="alert" data-testid="filter-error">
          {describeError(error)}
        </pre>
      )}
    </form>
  );
}

function ObjectForm({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) navigate(paths.object(text.trim()));
  };
  return (
    <form className="object-search" onSubmit={submit}>
      <input value={text} onChange={(e) => setText(e.target.value)} placeholder="object id, e.g. ZTF23ablepmx" aria-label="object id" data-testid="object-input" />
      <button type="submit">Open object</button>
    </form>
  );
}
