import { randomBytes } from 'node:crypto';

/** What the callback needs to finish one sign-in this browser started: the PKCE verifier, state and nonce. */
export interface PendingSignIn {
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

/**
 * Sign-ins started and not yet finished, by a random id the browser holds in a cookie. Kept in
 * memory for a few minutes (a user on the login page longer than that starts again) and taken
 * out at the callback, so an answer can be used once.
 */
export class PendingSignIns {
  private readonly pending = new Map<string, PendingSignIn & { readonly expiresAt: number }>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    /** A bound on memory: an endless stream of /login requests evicts the oldest. */
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores one and returns its id (256 random bits). */
  add(signIn: PendingSignIn): string {
    this.evict();
    const id = randomBytes(32).toString('base64url');
    this.pending.set(id, { ...signIn, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  /** The pending sign-in of this id, removed; undefined when unknown or expired. */
  take(id: string | undefined): PendingSignIn | undefined {
    if (!id) return undefined;
    const found = this.pending.get(id);
    this.pending.delete(id);
    if (!found || found.expiresAt <= this.now()) return undefined;
    return { codeVerifier: found.codeVerifier, state: found.state, nonce: found.nonce };
  }

  private evict(): void {
    const now = this.now();
    for (const [id, entry] of this.pending) if (entry.expiresAt <= now) this.pending.delete(id);
    while (this.pending.size >= this.maxEntries) this.pending.delete(this.pending.keys().next().value!);
  }
}
