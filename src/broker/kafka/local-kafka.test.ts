import { describe, expect, it } from 'vitest';
import { newClusterId } from './local-kafka.js';

describe('newClusterId', () => {
  it('draws 22 base64url characters, never starting with a dash (the storage tool would read it as an option)', () => {
    // With 1 id in 64 starting with '-', 2,000 draws all but surely meet that case.
    for (let i = 0; i < 2_000; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
