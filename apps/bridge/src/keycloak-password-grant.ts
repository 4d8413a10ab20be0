/** How a password grant at the target ended, in the words of the token endpoint. */
export type GrantResult =
  | { readonly kind: 'tokens'; readonly accessToken: string }
  /** `invalid_grant` "Invalid user credentials": wrong password, unknown user, or a password the bridge refused. */
  | { readonly kind: 'invalid-credentials' }
  /** `invalid_grant` "Account is not fully set up": required actions (MFA re-enrolment, new password) wait for a browser login. */
  | { readonly kind: 'required-action' }
  | { readonly kind: 'disabled' }
  /** `temporarily_unavailable` from the JIT provider: bridge or Cognito away. */
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'other'; readonly status: number; readonly error: string };

export interface PasswordGrant {
  readonly keycloakUrl: string;
  readonly realm: string;
  /** A client with direct access grants enabled. */
  readonly clientId: string;
}

/** One OAuth 2.0 password grant against Keycloak's token endpoint. */
export async function passwordGrant(target: PasswordGrant, username: string, password: string): Promise<GrantResult> {
  const response = await fetch(
    `${target.keycloakUrl}/realms/${encodeURIComponent(target.realm)}/protocol/openid-connect/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: target.clientId,
        username,
        password,
        scope: 'openid',
      }),
      signal: AbortSignal.timeout(15_000),
    },
  );
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (response.status === 200 && body.access_token) return { kind: 'tokens', accessToken: body.access_token };
  const description = body.error_description ?? '';
  if (body.error === 'temporarily_unavailable') return { kind: 'unavailable' };
  if (/not fully set up/i.test(description)) return { kind: 'required-action' };
  if (/disabled/i.test(description)) return { kind: 'disabled' };
  if (body.error === 'invalid_grant') return { kind: 'invalid-credentials' };
  return { kind: 'other', status: response.status, error: body.error ?? 'no error code' };
}
