import { describe, expect, it } from 'vitest';
import { WorkerStderr } from './worker-stderr.js';

describe('WorkerStderr', () => {
  it('logs whole lines prefixed with the model name, across cut chunks and cut characters', () => {
    const logged: string[] = [];
    const stderr = new WorkerStderr('snia', { info: (m) => logged.push(m), warn() {}, error() {} }, 2);
    const bytes = Buffer.from('first\nsecond é\nthird\nlast');
    const cut = bytes.indexOf(0xa9); // inside "é"
    stderr.push(bytes.subarray(0, 3));
    stderr.push(bytes.subarray(3, cut));
    stderr.push(bytes.subarray(cut));
    expect(logged).toEqual(['[snia] first', '[snia] second é', '[snia] third']);
    expect(stderr.tail()).toBe('second é\nthird\nlast');
    stderr.end();
    expect(logged.at(-1)).toBe('[snia] last');
    expect(stderr.tail()).toBe('third\nlast');
  });
});
