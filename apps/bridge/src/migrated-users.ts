/**
 * Subs whose password this bridge process has migrated, so a repeated login is answered before
 * the projector has caught up and without a second Cognito call. Bounded: the oldest entries go
 * first, and by then the projection says the same.
 */
export class MigratedUsers {
  private readonly subs = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  has(sub: string): boolean {
    return this.subs.has(sub);
  }

  add(sub: string): void {
    this.subs.add(sub);
    if (this.subs.size > this.capacity) this.subs.delete(this.subs.values().next().value!);
  }
}
