/**
 * What Cognito says about a user whatever password is sent, which the bridge may repeat for a short
 * while instead of asking again. UserNotConfirmedException is not one of them: Cognito sends it
 * only for the right password, and the bridge migrates that password, so a retry must prove the
 * password again. Nothing else that depends on the password is kept either.
 */
export type UserLevelOutcome = 'disabled' | 'reset-required' | 'unknown-user';

const userLevel: ReadonlySet<string> = new Set<UserLevelOutcome>(['disabled', 'reset-required', 'unknown-user']);

export function isUserLevelOutcome(kind: string): kind is UserLevelOutcome {
  return userLevel.has(kind);
}

export interface KnownOutcomesOptions {
  /** How long an answer is repeated: short, so a user an administrator fixes in Cognito is asked again soon. */
  readonly ttlMs: number;
  /** Subs kept at most; the oldest go first. */
  readonly capacity: number;
  /** Milliseconds; injected so tests can move time. */
  readonly now?: () => number;
}

/**
 * Cognito's user-level answers per sub, bounded and short-lived, in this process's memory. A Map
 * keeps insertion order, which is the order to evict in; lru-cache would do it too, but the
 * installed major version takes no clock, and the tests need one.
 */
export class KnownOutcomes {
  private readonly entries = new Map<string, { outcome: UserLevelOutcome; until: number }>();
  private readonly now: () => number;

  constructor(private readonly options: KnownOutcomesOptions) {
    this.now = options.now ?? Date.now;
  }

  get(sub: string): UserLevelOutcome | undefined {
    const entry = this.entries.get(sub);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(sub);
      return undefined;
    }
    return entry.outcome;
  }

  /** Keeps a user-level answer; any other kind is ignored, so callers may pass every outcome. */
  remember(sub: string, kind: string): void {
    if (!isUserLevelOutcome(kind)) return;
    this.entries.delete(sub);
    this.entries.set(sub, { outcome: kind, until: this.now() + this.options.ttlMs });
    while (this.entries.size > this.options.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
