import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../common/mlflow-error.js';
import { decodePageToken, encodePageToken } from './page-token.js';

describe('page tokens', () => {
  it('round-trips an offset', () => {
    for (const offset of [0, 1, 100, 50_000]) expect(decodePageToken(encodePageToken(offset))).toBe(offset);
  });

  it("is base64 of MLflow's {offset} JSON, so MLflow's own tokens read too", () => {
    expect(JSON.parse(Buffer.from(encodePageToken(7), 'base64').toString())).toEqual({ offset: 7 });
    expect(decodePageToken(Buffer.from('{"offset": "25"}').toString('base64'))).toBe(25);
  });

  it('reads no token as the first page', () => {
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  it.each([
    ['not base64', '%%%'],
    ['not JSON', Buffer.from('hello').toString('base64')],
    ['no offset', Buffer.from('{"page": 2}').toString('base64')],
    ['a negative offset', Buffer.from('{"offset": -1}').toString('base64')],
    ['a fractional offset', Buffer.from('{"offset": 1.5}').toString('base64')],
    ['a JSON array', Buffer.from('[1]').toString('base64')],
  ])('refuses %s as INVALID_PARAMETER_VALUE', (_, token) => {
    const error = (() => {
      try {
        decodePageToken(token);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MlflowError);
    expect(error).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', status: 400 });
    expect((error as Error).message).toMatch(/^Invalid page token/);
  });
});
