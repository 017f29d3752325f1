import { describe, expect, it } from 'vitest';
import { normaliseRequirement, normaliseSpec, pythonMinor, requirementName, specHash } from './spec-hash.js';

const hashOf = (python: string, requirements: string[], constraints?: string[]) => specHash(normaliseSpec({ python, requirements, constraints }));

describe('spec hash', () => {
  it('ignores the patch version, order, duplicates, comments, spacing and name spelling', () => {
    const base = hashOf('3.11.7', ['scikit-learn==1.9.1', 'numpy<3'], []);
    expect(hashOf('3.11.2', ['numpy<3', 'scikit-learn==1.9.1'])).toBe(base);
    expect(hashOf('3.11', ['Scikit_Learn == 1.9.1', 'numpy < 3  # below 3', 'numpy<3', ''])).toBe(base);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tells apart what changes the environment', () => {
    const base = hashOf('3.11.7', ['six==1.16.0']);
    expect(hashOf('3.12.1', ['six==1.16.0'])).not.toBe(base);
    expect(hashOf('3.11.7', ['six==1.17.0'])).not.toBe(base);
    expect(hashOf('3.11.7', ['six==1.16.0'], ['six<2'])).not.toBe(base);
    expect(hashOf('3.11.7', ['six==1.16.0; python_version < "3.12"'])).not.toBe(base);
  });

  it('normalises requirement lines and names', () => {
    expect(normaliseRequirement('Foo.Bar_baz [extra] >= 1.0 ;  python_version < "3.12"')).toBe('foo-bar-baz[extra]>=1.0; python_version < "3.12"');
    expect(normaliseRequirement('--extra-index-url   https://example.org/simple')).toBe('--extra-index-url https://example.org/simple');
    expect(requirementName('Scikit_Learn==1.9.1')).toBe('scikit-learn');
    expect(requirementName('-r requirements.txt')).toBeUndefined();
  });

  it('reads major.minor from a Python version', () => {
    expect(pythonMinor('3.11.7')).toBe('3.11');
    expect(pythonMinor('3.10')).toBe('3.10');
    expect(() => pythonMinor('three')).toThrow(/"three" is not a Python version/);
  });
});
