/**
 * Adds "Sign in with …" buttons under the form of Strapi's admin login page.
 *
 * Why DOM, not React: Strapi 5 (community edition) renders its login page from its own component with no
 * injection zone or registry hook; only the Enterprise edition replaces it. Plugin admin code does run before
 * anyone is logged in, so this module watches for the login page (client-side navigation included) and places
 * plain links after its form. If a future Strapi renders the page so that no form is found, nothing is added
 * and nothing breaks: the server's chooser page at `/api/sso` remains, and the README says so.
 */
import { loginButtons, loginTexts, parseConnections, type LoginTexts, type PublicConnection } from './login-buttons-model';
import english from '../translations/en.json';

const CONTAINER_ID = 'identity-bridge-sso';

/** What Strapi's admin puts on `window.strapi` (typed narrowly: Strapi declares its own global of that name). */
interface AdminGlobals {
  backendURL?: string;
  adminPath?: string;
}

const adminGlobals = (win: Window): AdminGlobals => (win as unknown as { strapi?: AdminGlobals }).strapi ?? {};

function adminPathOf(win: Window): string {
  const configured = adminGlobals(win).adminPath;
  if (configured) return configured;
  const match = /^(.*?)\/auth\//.exec(win.location.pathname);
  return match?.[1] || '/admin';
}

const onLoginPage = (win: Window) => /\/auth\/login\/?$/.test(win.location.pathname);

const ENGLISH: LoginTexts = loginTexts({}, english);

function render(doc: Document, form: HTMLFormElement, connections: PublicConnection[], win: Window, texts: LoginTexts) {
  if (connections.length === 0 || doc.getElementById(CONTAINER_ID)) return;
  const returnTo = new URLSearchParams(win.location.search).get('redirectTo');
  const buttons = loginButtons(connections, adminGlobals(win).backendURL ?? win.location.origin, adminPathOf(win), returnTo, texts.signInWith);
  const nav = doc.createElement('nav');
  nav.id = CONTAINER_ID;
  nav.setAttribute('aria-label', texts.nav);
  nav.style.cssText = 'display:flex;flex-direction:column;gap:8px;margin-top:16px;';
  const divider = doc.createElement('p');
  divider.textContent = texts.or;
  divider.style.cssText = 'text-align:center;margin:0;font-size:1.2rem;color:#666687;';
  nav.append(divider);
  for (const button of buttons) {
    const link = doc.createElement('a');
    link.href = button.href;
    link.textContent = button.label;
    link.style.cssText =
      'display:block;text-align:center;padding:10px 16px;border:1px solid #dcdce4;border-radius:4px;' +
      'font-size:1.4rem;font-weight:600;color:#4945ff;background:#fff;text-decoration:none;';
    nav.append(link);
  }
  form.after(nav);
}

/**
 * Starts watching; returns a function that stops (for tests). `texts` may be given as a promise: the locale's
 * translations load on demand, and the buttons wait for them rather than flash English first.
 */
export function installLoginButtons(win: Window = window, texts: LoginTexts | Promise<LoginTexts> = ENGLISH): () => void {
  const doc = win.document;
  let connections: Promise<PublicConnection[]> | undefined;
  const load = () => {
    const backend = (adminGlobals(win).backendURL ?? win.location.origin).replace(/\/+$/, '');
    connections ??= fetch(`${backend}/api/sso/connections`, { credentials: 'omit' })
      .then((response) => (response.ok ? response.json() : { data: [] }))
      .then(parseConnections)
      .catch(() => []);
    return connections;
  };
  const check = () => {
    if (!onLoginPage(win)) return;
    const form = doc.querySelector('main form');
    if (!(form instanceof HTMLFormElement) || doc.getElementById(CONTAINER_ID)) return;
    void Promise.all([load(), Promise.resolve(texts).catch(() => ENGLISH)]).then(([list, words]) => {
      if (onLoginPage(win) && form.isConnected) render(doc, form, list, win, words);
    });
  };
  const observer = new MutationObserver(check);
  observer.observe(doc.body, { childList: true, subtree: true });
  check();
  return () => observer.disconnect();
}
