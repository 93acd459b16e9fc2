/**
 * A headless browser for sign-in flows: follows redirects by hand (so each hop can be inspected) and keeps
 * cookies like a browser does on 127.0.0.1 — by name and path, shared across ports (browsers do not isolate
 * cookies by port). No JavaScript: the identity providers under test need none.
 */
export interface Hop {
  url: string;
  status: number;
  location: string | null;
  setCookies: string[];
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  httpOnly: boolean;
  expires: number | null;
}

export class TestBrowser {
  readonly cookies = new Map<string, StoredCookie>();

  private store(header: string, requestUrl: URL) {
    const [pair, ...attributes] = header.split(';');
    const index = pair!.indexOf('=');
    const name = pair!.slice(0, index).trim();
    const value = pair!.slice(index + 1).trim();
    const cookie: StoredCookie = { name, value, path: defaultPath(requestUrl), httpOnly: false, expires: null };
    for (const attribute of attributes) {
      const [key, ...rest] = attribute.trim().split('=');
      const lower = key!.toLowerCase();
      if (lower === 'path') cookie.path = rest.join('=') || '/';
      if (lower === 'httponly') cookie.httpOnly = true;
      if (lower === 'expires') cookie.expires = Date.parse(rest.join('='));
      if (lower === 'max-age') cookie.expires = Date.now() + Number(rest.join('=')) * 1000;
    }
    const key = `${cookie.name};${cookie.path}`;
    if (cookie.expires !== null && cookie.expires <= Date.now()) this.cookies.delete(key);
    else this.cookies.set(key, cookie);
  }

  cookieHeader(url: URL): string {
    return [...this.cookies.values()]
      .filter((cookie) => url.pathname === cookie.path || url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  cookie(name: string): StoredCookie | undefined {
    return [...this.cookies.values()].find((cookie) => cookie.name === name && cookie.value !== '');
  }

  /** One request, no redirect following. */
  async fetch(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    const response = await fetch(target, { method: init.method ?? 'GET', headers, redirect: 'manual', ...(init.body !== undefined ? { body: init.body } : {}) });
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) this.store(header, target);
    return { response, setCookies };
  }

  /** Follows redirects until a non-redirect answer, or until `stopAt` matches a Location (not followed). */
  async navigate(url: string, options: { stopAt?: (location: URL) => boolean; maxHops?: number } = {}) {
    const hops: Hop[] = [];
    let current = url;
    for (let hop = 0; hop < (options.maxHops ?? 20); hop += 1) {
      const { response, setCookies } = await this.fetch(current);
      const location = response.headers.get('location');
      hops.push({ url: current, status: response.status, location, setCookies });
      if (!location || response.status < 300 || response.status >= 400) {
        return { hops, final: response, status: response.status, url: current, text: await response.text() };
      }
      const next = new URL(location, current);
      if (options.stopAt?.(next)) return { hops, final: response, status: response.status, url: next.href, text: '' };
      current = next.href;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

function defaultPath(url: URL): string {
  const path = url.pathname;
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}
