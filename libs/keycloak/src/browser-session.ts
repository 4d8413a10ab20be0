import { CookieJar } from 'tough-cookie';

export interface BrowserResponse {
  readonly url: string;
  readonly status: number;
  /** The redirect target, absolute; null when the answer is not a redirect. */
  readonly location: string | null;
  readonly body: string;
  /** From sending the request to having read the whole body. */
  readonly ms: number;
}

/**
 * What a browser keeps between the pages of a sign-in: cookies (Keycloak's AUTH_SESSION_ID binds
 * the login form to the authorization request; an application's session cookie binds its
 * callback to its own login) and nothing else. Redirects are never followed automatically, so the
 * caller sees each hop and can stop at the redirect URI.
 */
export class BrowserSession {
  constructor(
    /** Shared with the caller when it continues the session itself (e.g. an application's callback). */
    readonly cookies: CookieJar = new CookieJar(),
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly timeoutMs = 15_000,
  ) {}

  get(url: string): Promise<BrowserResponse> {
    return this.send(url, { method: 'GET' });
  }

  postForm(url: string, fields: Readonly<Record<string, string>>): Promise<BrowserResponse> {
    return this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  private async send(url: string, init: { method: string; headers?: Record<string, string>; body?: string }) {
    const started = performance.now();
    const cookie = await this.cookies.getCookieString(url);
    const response = await this.fetchImpl(url, {
      ...init,
      headers: {
        ...init.headers,
        ...(cookie ? { cookie } : {}),
        // Keycloak's texts are localised; the outcomes are recognised by their English wording.
        'accept-language': 'en',
        accept: 'text/html,application/xhtml+xml',
      },
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    for (const setCookie of response.headers.getSetCookie()) {
      await this.cookies.setCookie(setCookie, url, { ignoreError: true });
    }
    const body = await response.text();
    const location = response.headers.get('location');
    return {
      url,
      status: response.status,
      location: location === null ? null : new URL(location, url).href,
      body,
      ms: performance.now() - started,
    };
  }
}
