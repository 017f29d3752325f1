/**
 * A transaction run again when PostgreSQL gave it up to let another go on: a deadlock (40P01,
 * two brokers writing the same alerts in another order) or a serialization failure (40001).
 * Its work is rolled back whole, so running it again from the start is safe.
 */
const RETRIED = new Set(['40001', '40P01']);
const ATTEMPTS = 5;

export async function retryTransaction<T>(run: () => Promise<T>, attempts = ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= attempts || typeof code !== 'string' || !RETRIED.has(code)) throw err;
      // Jittered, growing: two writers that collided should not collide again at once.
      await new Promise((resolve) => setTimeout(resolve, attempt * 20 * (0.5 + Math.random())));
    }
  }
}
