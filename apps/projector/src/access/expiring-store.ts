import { randomBytes } from 'node:crypto';

/**
 * Values under random ids (256 bits, the browser's cookie), each for a while, in memory: the
 * dashboard's pending sign-ins and its sessions. A Map rather than a cache library: the only
 * policy needed is an expiry per entry and a bound on memory (the oldest entries go first).
 */
export class ExpiringStore<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  add(value: T, ttlMs: number): string {
    this.evict();
    const id = randomBytes(32).toString('base64url');
    this.entries.set(id, { value, expiresAt: this.now() + ttlMs });
    return id;
  }

  get(id: string | undefined): T | undefined {
    if (!id) return undefined;
    const found = this.entries.get(id);
    if (!found) return undefined;
    if (found.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return found.value;
  }

  /** Replaces the value of a live entry, keeping its expiry (a session whose tokens were refreshed). */
  set(id: string, value: T): void {
    const found = this.entries.get(id);
    if (found) found.value = value;
  }

  take(id: string | undefined): T | undefined {
    const value = this.get(id);
    if (id) this.entries.delete(id);
    return value;
  }

  private evict(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(id);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
