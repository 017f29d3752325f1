/**
 * PostgreSQL database URIs as MLflow accepts them: `postgresql://`, `postgres://` and
 * SQLAlchemy's driver forms (`postgresql+psycopg2://`, `+psycopg`, `+pg8000`), all meaning the
 * same server. Query parameters are those libpq gives the same meaning to here; any other is
 * refused by name rather than silently ignored. Nothing here ever puts a password in a message.
 */

const postgresScheme = /^(postgres|postgresql)(?:\+([a-z0-9_]+))?:\/\//i;
const acceptedDrivers = new Set(['psycopg2', 'psycopg', 'pg8000']);

/** libpq's sslmode values with a meaning without a fallback to plain text (allow/prefer have one). */
const acceptedSslModes = new Set(['disable', 'require', 'verify-ca', 'verify-full']);
const acceptedParameters = new Set(['user', 'password', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'application_name', 'connect_timeout', 'options', 'host']);

/** True for every URI meant for PostgreSQL, including unsupported driver forms (refused later, by name). */
export function isPostgresUri(uri: string): boolean {
  return postgresScheme.test(uri);
}

/**
 * The URI as a `postgresql://` connection string: the SQLAlchemy driver suffix stripped, the
 * query parameters checked. Throws, naming the URI redacted, for anything it cannot honour.
 */
export function postgresConnectionString(uri: string): string {
  const match = postgresScheme.exec(uri);
  if (!match) throw new Error(`'${redactUri(uri)}' is not a PostgreSQL URI: expected postgresql://<user>:<password>@<host>:<port>/<database>`);
  const driver = match[2]?.toLowerCase();
  if (driver !== undefined && !acceptedDrivers.has(driver)) {
    throw new Error(
      `database URI '${redactUri(uri)}': driver '${driver}' is not supported; use postgresql:// (or postgresql+psycopg2://, +psycopg, +pg8000)`,
    );
  }
  const connectionString = `postgresql://${uri.slice(match[0].length)}`;
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new Error(`database URI '${redactUri(uri)}' is not a valid URL: percent-encode special characters in the user name and password`);
  }
  if (url.pathname.length <= 1) {
    throw new Error(`database URI '${redactUri(uri)}' names no database: add /<database> after the host`);
  }
  for (const [name, value] of url.searchParams) {
    if (!acceptedParameters.has(name)) {
      throw new Error(
        `database URI '${redactUri(uri)}': query parameter '${name}' is not supported; supported: ${[...acceptedParameters].join(', ')}`,
      );
    }
    if (name === 'sslmode' && !acceptedSslModes.has(value)) {
      throw new Error(
        `database URI '${redactUri(uri)}': sslmode=${value} is not supported; use sslmode=require (encrypted), verify-full (encrypted, certificate checked) or disable`,
      );
    }
    if (name === 'connect_timeout' && !/^\d+$/.test(value)) {
      throw new Error(`database URI '${redactUri(uri)}': connect_timeout must be a whole number of seconds, got '${value}'`);
    }
  }
  return connectionString;
}

/**
 * The URI with its password (in the user part or a `password=` parameter) replaced by `***`.
 * The user part ends at the last `@` before the query: a password left unencoded may hold `@`, `/` or `:`.
 */
export function redactUri(uri: string): string {
  const redacted = uri.replace(/([?&]password=)[^&#]*/gi, '$1***');
  const start = redacted.indexOf('://');
  if (start < 0) return redacted;
  const queryAt = redacted.indexOf('?', start);
  const beforeQuery = queryAt < 0 ? redacted : redacted.slice(0, queryAt);
  const at = beforeQuery.lastIndexOf('@');
  if (at < start) return redacted;
  const colon = redacted.indexOf(':', start + 3);
  if (colon < 0 || colon > at) return redacted;
  return `${redacted.slice(0, colon)}:***${redacted.slice(at)}`;
}
