/**
 * What the "Sign in with …" buttons on Strapi's login page show, as plain data (tested without a browser).
 *
 * Strapi's community-edition login page has no extension point (the Enterprise edition swaps the whole page
 * component), so the plugin adds its buttons next to the login form from the admin bundle; see
 * `./login-buttons.ts` for how and why. The server also serves a chooser page at `/api/sso` that works even
 * if a future Strapi changes the login page so that the buttons cannot find their place.
 */

export interface PublicConnection {
  id: string;
  name: string;
  type: 'oidc' | 'saml';
}

export interface LoginButton {
  label: string;
  href: string;
}

/** The words the login page's SSO block shows, from the plugin's translations (the block is outside React). */
export interface LoginTexts {
  /** The accessible name of the block of links. */
  nav: string;
  /** The divider between Strapi's form and the links. */
  or: string;
  /** A link's text for one connection. */
  signInWith: (name: string) => string;
}

/**
 * The login texts from a translation file's messages (`login.sso.*`), each falling back to English when the
 * locale's file lacks it. `{name}` is the one placeholder; no other ICU syntax is used in these messages.
 */
export function loginTexts(messages: Record<string, string>, english: Record<string, string>): LoginTexts {
  const text = (key: string) => messages[key] ?? english[key] ?? key;
  return {
    nav: text('login.sso.nav'),
    or: text('login.sso.or'),
    signInWith: (name) => text('login.sso.signInWith').split('{name}').join(name),
  };
}

const CONNECTION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Accepts only what `GET /api/sso/connections` is documented to answer; anything else is dropped. */
export function parseConnections(body: unknown): PublicConnection[] {
  const list = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const candidate = entry as Partial<PublicConnection> | null;
    if (!candidate || typeof candidate.id !== 'string' || !CONNECTION_ID.test(candidate.id)) return [];
    if (typeof candidate.name !== 'string' || candidate.name.trim() === '') return [];
    if (candidate.type !== 'oidc' && candidate.type !== 'saml') return [];
    return [{ id: candidate.id, name: candidate.name.trim(), type: candidate.type }];
  });
}

/**
 * One button per connection. `returnTo` is the admin path the person wanted (the login page's own
 * `redirectTo`), kept only when it is a path inside the admin panel; the server checks it again.
 */
export function loginButtons(
  connections: PublicConnection[],
  backendUrl: string,
  adminPath: string,
  returnTo?: string | null,
  signInWith: (name: string) => string = (name) => `Sign in with ${name}`
): LoginButton[] {
  const base = backendUrl.replace(/\/+$/, '');
  const admin = `/${adminPath.replace(/^\/+|\/+$/g, '')}`;
  const target = returnTo && isAdminPath(returnTo, admin) ? returnTo : admin;
  return connections.map((connection) => ({
    label: signInWith(connection.name),
    href: `${base}/api/sso/${encodeURIComponent(connection.id)}/login?returnTo=${encodeURIComponent(target)}`,
  }));
}

/** A same-origin path under the admin panel: no scheme, no host, no `//`, no backslashes, no control characters. */
export function isAdminPath(value: string, admin: string): boolean {
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return false;
  return value === admin || value.startsWith(`${admin}/`) || value.startsWith(`${admin}?`);
}
