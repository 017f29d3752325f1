/**
 * PostgreSQL's errors as MLflow answers them from its own SQL store: bad data (a value longer
 * than its column, SQLSTATE class 22) and integrity violations (class 23) are BAD_REQUEST; a
 * database that cannot be reached or gave up on a transaction under contention is
 * TEMPORARILY_UNAVAILABLE (503, which MLflow's client retries). Anything else stays as it is:
 * a logged internal error. The SQLSTATE travels with the error, for write-transaction.ts.
 */
import pg from 'pg';
import { MlflowError } from '../../common/mlflow-error.js';

export class SqlStateError extends MlflowError {
  constructor(
    code: 'BAD_REQUEST' | 'TEMPORARILY_UNAVAILABLE',
    message: string,
    readonly sqlState: string | undefined,
    override readonly cause: unknown,
  ) {
    super(code, message);
  }
}

/** Node's socket errors and node-postgres's own words for a connection that went away. */
const CONNECTION_LOST = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;
const CONNECTION_LOST_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/** The SQLSTATE of a PostgreSQL error, translated or not; undefined for any other error. */
export function sqlStateOf(err: unknown): string | undefined {
  if (err instanceof SqlStateError) return err.sqlState;
  if (err instanceof pg.DatabaseError) return err.code;
  return undefined;
}

export function asMlflowError(err: unknown): unknown {
  if (err instanceof MlflowError) return err;
  const state = sqlStateOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (state !== undefined) {
    if (state.startsWith('22') || state.startsWith('23')) return new SqlStateError('BAD_REQUEST', `The database refused the request: ${message}`, state, err);
    if (unavailable(state)) return new SqlStateError('TEMPORARILY_UNAVAILABLE', `The database is unavailable: ${message}`, state, err);
    return err;
  }
  const errno = (err as { code?: unknown } | null)?.code;
  if ((typeof errno === 'string' && CONNECTION_LOST.test(errno)) || CONNECTION_LOST_MESSAGE.test(message)) {
    return new SqlStateError('TEMPORARILY_UNAVAILABLE', `The database is unavailable: ${message}`, undefined, err);
  }
  return err;
}

/** Connection exceptions, serialization failures and deadlocks, too many connections, a server shutting down. */
function unavailable(state: string): boolean {
  return state.startsWith('08') || state === '40001' || state === '40P01' || state === '53300' || state.startsWith('57P');
}
