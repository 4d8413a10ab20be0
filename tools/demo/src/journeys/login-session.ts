import { parse, type HTMLElement } from 'node-html-parser';
import { CookieJar } from 'tough-cookie';

/** Where a step of the login flow ended: a page to fill in, or back at the application with a code. */
export type Landing =
  | { readonly kind: 'page'; readonly url: string; readonly html: HTMLElement }
  | { readonly kind: 'app'; readonly url: URL };

/**
 * What a browser does for Keycloak's login pages, and no more: keeps cookies (by path: each realm
 * sets its own under `/realms/<name>/`), follows redirects, and submits forms with their hidden
 * fields. It drives a user through Keycloak's own flows (required actions, broker login) the way
 * a person would, so the target records the same events. No JavaScript runs: Keycloak's login
 * theme works without it.
 */
export class LoginSession {
  private readonly jar = new CookieJar();

  /** @param appRedirectUri the client's redirect URI: reaching it ends the flow. */
  constructor(private readonly appRedirectUri: string) {}

  open(url: string): Promise<Landing> {
    return this.follow(url, { method: 'GET' });
  }

  /**
   * Submits the page's form that has all of `fields` (hidden inputs kept, `fields` override),
   * or the form matching `selector`.
   */
  async submit(page: Landing, fields: Readonly<Record<string, string>>, selector?: string): Promise<Landing> {
    if (page.kind !== 'page') throw new Error(`no form to submit: the flow is back at ${page.url.href}`);
    const form = selector
      ? page.html.querySelector(selector)
      : page.html
          .querySelectorAll('form')
          .find((f) => Object.keys(fields).every((name) => f.querySelector(`[name="${name}"]`) !== null));
    if (!form)
      throw new Error(`no form with ${selector ?? Object.keys(fields).join(', ')} on ${page.url}: ${titleOf(page)}`);
    const body = new URLSearchParams();
    for (const input of form.querySelectorAll('input')) {
      const name = input.attributes.name;
      const type = (input.attributes.type ?? 'text').toLowerCase();
      if (!name || ((type === 'checkbox' || type === 'radio') && input.attributes.checked === undefined)) continue;
      if (type !== 'submit') body.set(name, input.attributes.value ?? '');
    }
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    const action = new URL(form.attributes.action ?? page.url, page.url).href;
    return this.follow(action, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  private async follow(
    url: string,
    init: { method: string; body?: string; headers?: Record<string, string> },
  ): Promise<Landing> {
    let current = url;
    let request = init;
    for (let hops = 0; hops < 20; hops++) {
      if (current.startsWith(this.appRedirectUri)) return { kind: 'app', url: new URL(current) };
      const cookie = await this.jar.getCookieString(current);
      const response = await fetch(current, {
        method: request.method,
        redirect: 'manual',
        headers: { ...request.headers, ...(cookie ? { cookie } : {}) },
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      for (const setCookie of response.headers.getSetCookie()) await this.jar.setCookie(setCookie, current);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        current = new URL(location, current).href;
        request = { method: 'GET' };
        continue;
      }
      const text = await response.text();
      if (response.status >= 400 && !text.includes('<form'))
        throw new Error(`HTTP ${response.status} from ${current}: ${text.slice(0, 200)}`);
      return { kind: 'page', url: current, html: parse(text) };
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }
}

/** The page's title and message, for errors that say where a flow stopped. */
export function titleOf(page: Landing): string {
  if (page.kind === 'app') return 'back at the application';
  const heading =
    page.html.querySelector('#kc-page-title')?.text.trim() ?? page.html.querySelector('title')?.text.trim();
  const message = page.html.querySelector('.kc-feedback-text, .pf-v5-c-alert__title, #input-error')?.text.trim();
  return [heading, message].filter(Boolean).join(': ') || '(untitled page)';
}
