import { describe, expect, it } from 'vitest';
import { ModuleCycleError, moduleLevels } from './module-levels.js';

describe('moduleLevels', () => {
  it('puts each module after every module it reads, keeping the config order inside a level', () => {
    const levels = moduleLevels([
      { name: 'early', reads: ['snia', 'asteroids'] },
      { name: 'asteroids', reads: [] },
      { name: 'snia', reads: [] },
      { name: 'kn', reads: ['asteroids'] },
      { name: 'final', reads: ['early', 'kn'] },
    ]);
    expect(levels).toEqual([['asteroids', 'snia'], ['early', 'kn'], ['final']]);
  });

  it('runs independent modules in one level', () => {
    expect(moduleLevels([{ name: 'a', reads: [] }, { name: 'b', reads: [] }])).toEqual([['a', 'b']]);
    expect(moduleLevels([])).toEqual([]);
  });

  it('names the modules of a cycle in order', () => {
    const modules = [
      { name: 'a', reads: [] },
      { name: 'b', reads: ['d'] },
      { name: 'c', reads: ['b'] },
      { name: 'd', reads: ['c', 'a'] },
    ];
    let error: unknown;
    try {
      moduleLevels(modules);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ModuleCycleError);
    expect((error as ModuleCycleError).cycle).toEqual(['b', 'd', 'c', 'b']);
    expect(() => moduleLevels([{ name: 'x', reads: ['x'] }])).toThrow('modules read each other in a cycle: x -> x');
  });
});
