/**
 * The HTML pages a browser sees on the SSO routes: a refusal (with what to do, never a stack trace) and the
 * sign-in chooser. Everything interpolated is HTML-escaped; the pages load nothing from elsewhere.
 */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

const layout = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f6f6f9;color:#32324d;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:4px;box-shadow:0 1px 4px rgba(33,33,52,.1);padding:40px;max-width:480px}
h1{font-size:1.25rem;margin-top:0}a.button{display:block;margin:8px 0;padding:10px 16px;background:#4945ff;color:#fff;border-radius:4px;text-decoration:none;text-align:center}
p.code{color:#666687;font-size:.8rem}</style></head><body><main>${body}</main></body></html>`;

export function errorPage(options: { message: string; code: string; retryUrl?: string; loginUrl: string; reference?: string; title?: string; heading?: string }): string {
  const retry = options.retryUrl ? `<a class="button" href="${escapeHtml(options.retryUrl)}">Try again</a>` : '';
  return layout(
    options.title ?? 'Sign-in failed',
    `<h1>${escapeHtml(options.heading ?? 'You were not signed in')}</h1><p>${escapeHtml(options.message)}</p>${retry}` +
      `<p><a href="${escapeHtml(options.loginUrl)}">Back to the Strapi sign-in page</a></p>` +
      `<p class="code">Error code: ${escapeHtml(options.code)}${options.reference ? ` · reference ${escapeHtml(options.reference)}` : ''}</p>`
  );
}

export function chooserPage(connections: { name: string; loginUrl: string }[], localLoginUrl: string): string {
  const buttons = connections.map((connection) => `<a class="button" href="${escapeHtml(connection.loginUrl)}">Sign in with ${escapeHtml(connection.name)}</a>`);
  return layout(
    'Sign in',
    `<h1>Sign in to Strapi</h1>${buttons.join('') || '<p>No single sign-on connection is enabled.</p>'}` +
      `<p><a href="${escapeHtml(localLoginUrl)}">Sign in with email and password</a></p>`
  );
}

/**
 * The HTTP-POST binding's hand-over to the IdP: a form posting the AuthnRequest, submitted by one inline script
 * allowed by its CSP nonce, with a button for browsers without JavaScript.
 */
export function postFormPage(options: { action: string; fields: Record<string, string>; nonce: string }): string {
  const inputs = Object.entries(options.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return layout(
    'Signing in…',
    `<h1>Signing in…</h1><form id="sso-post" method="post" action="${escapeHtml(options.action)}">${inputs}` +
      `<noscript><button type="submit">Continue to your identity provider</button></noscript></form>` +
      `<script nonce="${escapeHtml(options.nonce)}">document.getElementById('sso-post').submit();</script>`
  );
}
