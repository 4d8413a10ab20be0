import type { LoginPage, RequiredActionPage } from './login-page.js';

/** Time spent per step of one sign-in, in ms, each measured around its HTTP exchange(s) on this host. */
export interface LoginPageTimings {
  /** GET of the authorization endpoint (and any redirects before the login page). */
  readonly authorizationMs: number;
  /** POST of the username/password form: where Keycloak checks the password (and the provider asks the bridge). */
  readonly formPostMs: number | null;
  /** The redirects after the POST, up to the redirect URI or the next page. */
  readonly afterPostMs: number | null;
  /** The code exchange at the token endpoint. */
  readonly codeExchangeMs: number | null;
}

/** The claims of a verified ID token. */
export type IdTokenClaims = Readonly<Record<string, unknown>> & { readonly sub: string };

/** How a sign-in through Keycloak's login page ended. Never carries a token or a password. */
export type LoginPageVerdict =
  | { readonly kind: 'signed-in'; readonly claims: IdTokenClaims }
  /**
   * Started from an application's URL (`authorizationUrl`): Keycloak redirected to the
   * application's redirect URI with a code, which is the application's to exchange.
   */
  | { readonly kind: 'authorized'; readonly callbackUrl: string }
  /** Keycloak's "Invalid username or password.": wrong password, unknown user, or a password the bridge refused. */
  | { readonly kind: 'invalid-credentials' }
  /** The provider's "Sign-in is temporarily unavailable…": bridge or Cognito away; not a wrong password. */
  | { readonly kind: 'temporarily-unavailable' }
  | { readonly kind: 'account-disabled' }
  /** The password was accepted and the user is asked to do something first. */
  | { readonly kind: 'required-action'; readonly action: RequiredActionPage; readonly alias: string | null }
  /** The login form again with another message (e.g. the provider's "reset required"). */
  | { readonly kind: 'message'; readonly text: string }
  /** Keycloak's error page, another page, or an error sent back to the redirect URI. */
  | { readonly kind: 'error-page'; readonly status: number; readonly text: string };

export type LoginPageOutcome = LoginPageVerdict & { readonly timings: LoginPageTimings };

/** Keycloak's English messages (keycloak.v2 theme, 26.7.3) and the JIT provider's. */
const invalidCredentials = 'Invalid username or password.';
const accountDisabled = 'Account is disabled, contact your administrator.';
/** CognitoPasswordStorage.UNAVAILABLE in infra/keycloak-provider. */
export const TEMPORARILY_UNAVAILABLE_MESSAGE = 'Sign-in is temporarily unavailable. Please try again in a moment.';

/**
 * What a page shown after the username/password POST means for the sign-in. Pure. The login form
 * without a message after a POST is not a success either: it is reported as a `message` with no
 * text, so a caller never mistakes it for one.
 */
export function outcomeOfPage(page: LoginPage, status: number): LoginPageVerdict {
  switch (page.kind) {
    case 'login-form': {
      const text = page.message?.text ?? '';
      if (text === invalidCredentials) return { kind: 'invalid-credentials' };
      if (text === TEMPORARILY_UNAVAILABLE_MESSAGE) return { kind: 'temporarily-unavailable' };
      if (text === accountDisabled) return { kind: 'account-disabled' };
      return { kind: 'message', text };
    }
    case 'required-action':
      return { kind: 'required-action', action: page.page, alias: page.alias };
    case 'error':
      return { kind: 'error-page', status, text: page.text };
    case 'other':
      return { kind: 'error-page', status, text: page.title ? `${page.title}: ${page.text}` : page.text };
  }
}
