/**
 * Where to send someone after sign-in. Only paths of this Strapi admin panel are accepted: an absolute URL,
 * a protocol-relative `//host`, a backslash (browsers read `/\host` as `//host`) or a control character
 * (header injection in `Location`) is refused. The path is normalised the way a browser would (dot segments,
 * `%2e%2e`) before the admin prefix is checked, so `/admin/../api/…` cannot leave the admin panel.
 */
import { SsoError } from './errors';

const MAX_RETURN_TO_LENGTH = 2048;
const PLACEHOLDER_ORIGIN = 'http://return-to.invalid';

/** `adminPath` is the admin panel's path prefix, e.g. `/admin`. Absent `raw` gives the dashboard. */
export function validateReturnTo(raw: unknown, adminPath: string): string {
  const base = normaliseAdminPath(adminPath);
  if (raw === undefined || raw === null || raw === '') return base;
  const refuse = (why: string): never => {
    throw new SsoError('SSO_RETURN_TO_INVALID', `returnTo refused: ${why}`);
  };
  if (typeof raw !== 'string') return refuse('not a single string');
  if (raw.length > MAX_RETURN_TO_LENGTH) return refuse('too long');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) return refuse('control characters');
  if (raw.includes('\\')) return refuse('backslash');
  if (!raw.startsWith('/') || raw.startsWith('//')) return refuse('not a path of this site');
  let url: URL;
  try {
    url = new URL(raw, PLACEHOLDER_ORIGIN);
  } catch {
    return refuse('not a valid path');
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return refuse('leaves this site');
  if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return refuse(`not under ${base}`);
  if (url.username || url.password) return refuse('credentials');
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `/admin`, `admin/`, `/admin/` → `/admin`; an absolute admin URL gives its path. */
export function normaliseAdminPath(adminPath: string): string {
  let path = adminPath.trim() || '/admin';
  if (/^https?:\/\//i.test(path)) path = new URL(path).pathname;
  if (!path.startsWith('/')) path = `/${path}`;
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}
