import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

/** Who a valid access token speaks for, and the realm roles it carries. */
export interface VerifiedAccess {
  readonly subject: string;
  /** `preferred_username`, when the token has it. */
  readonly username: string | null;
  readonly roles: readonly string[];
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

/** The realm's keys could not be fetched: no token can be checked now (the API answers 503). */
export class AccessUnverifiable extends Error {
  constructor(cause: unknown) {
    super(`the realm's signing keys could not be fetched: ${(cause as Error).message}`, { cause });
    this.name = 'AccessUnverifiable';
  }
}

/** A bearer token the API does not accept; `reason` is safe to show (it never holds the token). */
export class InvalidAccessToken extends Error {
  constructor(readonly reason: string) {
    super(`invalid access token: ${reason}`);
    this.name = 'InvalidAccessToken';
  }
}

export interface AccessTokenVerifierOptions {
  /** e.g. http://127.0.0.1:18080 */
  readonly keycloakUrl: string;
  readonly realm: string;
  /** The token's `aud` must name it (the dashboard client's audience mapper puts it there). */
  readonly audience: string;
}

/**
 * Checks a realm's access tokens the way a resource server should: the signature against the
 * realm's published keys (JWKS, fetched and cached by `jose`, refetched when Keycloak rotates its
 * keys), the issuer, the audience and the expiry. jose rather than hand-written JWT code: key
 * selection, algorithm checks and clock tolerance are easy to get subtly wrong.
 */
export class AccessTokenVerifier {
  private readonly issuer: string;
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: AccessTokenVerifierOptions) {
    this.issuer = `${options.keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(options.realm)}`;
    this.keys = createRemoteJWKSet(new URL(`${this.issuer}/protocol/openid-connect/certs`));
  }

  async verify(token: string): Promise<VerifiedAccess> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.issuer,
        audience: this.options.audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
        clockTolerance: 5,
      }));
    } catch (error) {
      if (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout)
        throw new AccessUnverifiable(error);
      throw new InvalidAccessToken(reasonOf(error));
    }
    if (payload.typ !== undefined && payload.typ !== 'Bearer') throw new InvalidAccessToken('not an access token');
    const realmAccess = payload.realm_access as { roles?: unknown } | undefined;
    const roles = Array.isArray(realmAccess?.roles) ? realmAccess.roles.filter((r) => typeof r === 'string') : [];
    return {
      subject: String(payload.sub ?? ''),
      username: typeof payload.preferred_username === 'string' ? payload.preferred_username : null,
      roles,
      expiresAt: payload.exp ?? 0,
    };
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return "not signed by one of the realm's keys";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not accepted';
  return 'not verifiable';
}
