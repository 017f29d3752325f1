/**
 * Remembers successful password checks for a short while, so the mlflow client's many calls
 * cost one scrypt, not one each. Keys are an HMAC of the credentials under a key made at
 * start, so the map holds nothing a memory dump could turn back into a password; values
 * hold only the user id. Bounded: the oldest entry goes first.
 */
import { createHmac, randomBytes } from 'node:crypto';

export class CredentialCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { userId: number; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(username: string, password: string): number | undefined {
    if (this.ttlMs <= 0) return undefined;
    const k = this.keyOf(username, password);
    const entry = this.entries.get(k);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(k);
      return undefined;
    }
    return entry.userId;
  }

  set(username: string, password: string, userId: number): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(this.keyOf(username, password), { userId, expires: this.now() + this.ttlMs });
  }

  /** After a password change or a deletion: the old password must stop working at once. */
  forget(userId: number): void {
    for (const [k, entry] of this.entries) if (entry.userId === userId) this.entries.delete(k);
  }

  private keyOf(username: string, password: string): string {
    return createHmac('sha256', this.key).update(username).update('\0').update(password).digest('base64');
  }
}
