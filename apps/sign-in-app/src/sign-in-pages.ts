/** The sign-in application's HTML. Every value from outside (claims, Keycloak's error text) is escaped. */

function escape(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; color: #1f2328; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
#claim-cognito_sub { background: #fff8c5; }
</style></head>
<body>
<h1 id="title">${escape(title)}</h1>
${body}
</body>
</html>
`;
}

export function homePage(realm: string): string {
  return layout(
    'Cognito Migration Ledger: sign-in demo',
    `<p>Signs in through Keycloak's login page (realm <code>${escape(realm)}</code>). A user imported from Cognito uses their Cognito password.</p>
<p><a id="sign-in" href="/login">Sign in</a></p>`,
  );
}

/**
 * The ID token's claims, one `<dd data-claim="name" id="claim-name">` each, so that a browser
 * test reads them by name; the tokens themselves are never rendered.
 */
export function signedInPage(claims: Readonly<Record<string, unknown>>): string {
  const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : String(claims.sub);
  const rows = Object.entries(claims)
    .map(([name, value]) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return `  <dt>${escape(name)}</dt><dd id="claim-${escape(name)}" data-claim="${escape(name)}">${escape(text)}</dd>`;
    })
    .join('\n');
  return layout(
    `Signed in as ${username}`,
    `<p id="signed-in-as" data-username="${escape(username)}">Signed in as ${escape(username)}</p>
<h2>ID token claims</h2>
<dl id="claims">
${rows}
</dl>
<p><a id="sign-in-again" href="/login">Sign in again</a></p>`,
  );
}

export function errorPage(problem: string, detail: string): string {
  return layout(
    'Sign-in failed',
    `<p id="error" data-problem="${escape(problem)}">${escape(detail)}</p>
<p><a id="sign-in" href="/login">Start again</a></p>`,
  );
}
