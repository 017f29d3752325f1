import { describeError } from '../api/api-error.js';

/** An error from the API, shown as the server worded it. */
export function ErrorBanner({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <div className="error" role="alert" data-testid="error">
      {describeError(error)}
    </div>
  );
}
