// The PostgreSQL URI forms MLflow accepts, the parameters refused by name, and passwords never shown.
import { describe, expect, it } from 'vitest';
import { isPostgresUri, postgresConnectionString, redactUri } from './database-uri.js';

describe('isPostgresUri', () => {
  it('knows every PostgreSQL scheme and nothing else', () => {
    for (const scheme of ['postgresql', 'postgres', 'postgresql+psycopg2', 'postgresql+psycopg', 'postgresql+pg8000', 'POSTGRESQL']) {
      expect(isPostgresUri(`${scheme}://u:p@h/db`)).toBe(true);
    }
    expect(isPostgresUri('sqlite:///x.db')).toBe(false);
    expect(isPostgresUri('mysql://u:p@h/db')).toBe(false);
  });
});

describe('postgresConnectionString', () => {
  it('normalises the scheme and keeps the rest', () => {
    expect(postgresConnectionString('postgresql+psycopg2://u:p@h:5433/db?sslmode=require')).toBe('postgresql://u:p@h:5433/db?sslmode=require');
    expect(postgresConnectionString('postgres://u@h/db')).toBe('postgresql://u@h/db');
  });

  it('refuses by name what it cannot honour, without the password', () => {
    const cases: Array<[string, RegExp]> = [
      ['postgresql+asyncpg://u:hunter2@h/db', /driver 'asyncpg' is not supported/],
      ['postgresql://u:hunter2@h/db?pool=3', /query parameter 'pool' is not supported/],
      ['postgresql://u:hunter2@h/db?sslmode=prefer', /sslmode=prefer is not supported/],
      ['postgresql://u:hunter2@h/db?connect_timeout=soon', /connect_timeout must be a whole number/],
      ['postgresql://u:hunter2@h', /names no database/],
    ];
    for (const [uri, message] of cases) {
      let error: unknown;
      try {
        postgresConnectionString(uri);
      } catch (err) {
        error = err;
      }
      expect(String(error)).toMatch(message);
      expect(String(error)).not.toContain('hunter2');
      expect(String(error)).toContain('u:***@h');
    }
  });
});

describe('redactUri', () => {
  it('hides the password, even one with unencoded @ / :', () => {
    expect(redactUri('postgresql://aviary:s3cret@127.0.0.1:5432/db')).toBe('postgresql://aviary:***@127.0.0.1:5432/db');
    expect(redactUri('postgresql://u:p@s/s:w@h/db?sslmode=require')).toBe('postgresql://u:***@h/db?sslmode=require');
    expect(redactUri('postgresql://h/db?user=u&password=pw&sslmode=require')).toBe('postgresql://h/db?user=u&password=***&sslmode=require');
  });

  it('leaves URIs without a password as they are', () => {
    for (const uri of ['postgresql://u@h/db', 'sqlite:////data/aviary.db', 'postgresql://h/db?options=-c%20x@y']) expect(redactUri(uri)).toBe(uri);
  });
});
