import { describe, expect, it } from 'vitest';
import { SourceNumber } from '../common/python-json.js';
import { isQueryInput, markQueryInput, rememberJsonText, writtenValueAt } from './request-source.js';

describe('writtenValueAt', () => {
  it('finds a value of a JSON body by its parameter path, numbers as written', () => {
    const text = '{"artifact_location": 9.0, "metrics": [{"value": 1e3}], "tags": "5"}';
    const body = rememberJsonText(JSON.parse(text), text);
    expect(writtenValueAt(body, 'artifact_location')).toEqual({ value: new SourceNumber('9.0') });
    expect(writtenValueAt(body, 'metrics[0].value')).toEqual({ value: new SourceNumber('1e3') });
    expect(writtenValueAt(body, 'tags')).toEqual({ value: '5' });
    expect(writtenValueAt(body, 'metrics[1].value')).toBeUndefined();
    expect(writtenValueAt(body, 'tags[0]')).toBeUndefined();
  });

  it('knows nothing of a body it was not given, nor of one too deep to read again', () => {
    expect(writtenValueAt({ a: 9 }, 'a')).toBeUndefined();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(writtenValueAt(rememberJsonText({ a: 1 }, deep), 'a')).toBeUndefined();
  });

  it('marks query-string input', () => {
    expect(isQueryInput(markQueryInput({ run_ids: 'a' }))).toBe(true);
    expect(isQueryInput({ run_ids: 'a' })).toBe(false);
  });
});
