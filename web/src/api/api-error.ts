/** An error answered by the server, in MLflow's `{error_code, message}` shape, or a failed request. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What to show for any error a call can throw. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.status ? `${err.code} (${err.status}): ${err.message}` : err.message;
  return err instanceof Error ? err.message : String(err);
}
