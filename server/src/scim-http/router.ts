/** The SCIM route table (RFC 7644 §3.2), matched against the path below the configured base path. */

export type RouteName =
  | 'serviceProviderConfig'
  | 'schemas'
  | 'schema'
  | 'resourceTypes'
  | 'resourceType'
  | 'search'
  | 'listUsers'
  | 'createUser'
  | 'searchUsers'
  | 'getUser'
  | 'replaceUser'
  | 'patchUser'
  | 'deleteUser'
  | 'listGroups'
  | 'createGroup'
  | 'searchGroups'
  | 'getGroup'
  | 'replaceGroup'
  | 'patchGroup'
  | 'deleteGroup';

interface RouteDefinition {
  method: string;
  pattern: RegExp;
  name: RouteName;
}

const ID = '([^/]+)';
const routes: RouteDefinition[] = [
  { method: 'GET', pattern: /^\/ServiceProviderConfigs?$/i, name: 'serviceProviderConfig' },
  { method: 'GET', pattern: /^\/Schemas$/i, name: 'schemas' },
  { method: 'GET', pattern: new RegExp(`^/Schemas/${ID}$`, 'i'), name: 'schema' },
  { method: 'GET', pattern: /^\/ResourceTypes$/i, name: 'resourceTypes' },
  { method: 'GET', pattern: new RegExp(`^/ResourceTypes/${ID}$`, 'i'), name: 'resourceType' },
  { method: 'POST', pattern: /^\/\.search$/i, name: 'search' },
  { method: 'GET', pattern: /^\/Users$/i, name: 'listUsers' },
  { method: 'POST', pattern: /^\/Users$/i, name: 'createUser' },
  { method: 'POST', pattern: /^\/Users\/\.search$/i, name: 'searchUsers' },
  { method: 'GET', pattern: new RegExp(`^/Users/${ID}$`, 'i'), name: 'getUser' },
  { method: 'PUT', pattern: new RegExp(`^/Users/${ID}$`, 'i'), name: 'replaceUser' },
  { method: 'PATCH', pattern: new RegExp(`^/Users/${ID}$`, 'i'), name: 'patchUser' },
  { method: 'DELETE', pattern: new RegExp(`^/Users/${ID}$`, 'i'), name: 'deleteUser' },
  { method: 'GET', pattern: /^\/Groups$/i, name: 'listGroups' },
  { method: 'POST', pattern: /^\/Groups$/i, name: 'createGroup' },
  { method: 'POST', pattern: /^\/Groups\/\.search$/i, name: 'searchGroups' },
  { method: 'GET', pattern: new RegExp(`^/Groups/${ID}$`, 'i'), name: 'getGroup' },
  { method: 'PUT', pattern: new RegExp(`^/Groups/${ID}$`, 'i'), name: 'replaceGroup' },
  { method: 'PATCH', pattern: new RegExp(`^/Groups/${ID}$`, 'i'), name: 'patchGroup' },
  { method: 'DELETE', pattern: new RegExp(`^/Groups/${ID}$`, 'i'), name: 'deleteGroup' },
];

/** Every route's name: the `operation` of its provisioning-log entries (writes, and any request that failed). */
export const ROUTE_NAMES: readonly RouteName[] = routes.map((route) => route.name);

export type RouteMatch = { kind: 'route'; name: RouteName; id?: string } | { kind: 'methodNotAllowed'; allowed: string[] } | { kind: 'notFound' };

export function matchRoute(method: string, subPath: string): RouteMatch {
  const path = subPath === '' ? '/' : subPath.replace(/\/+$/, '') || '/';
  const candidates = routes.filter((route) => route.pattern.test(path));
  if (candidates.length === 0) return { kind: 'notFound' };
  const route = candidates.find((candidate) => candidate.method === method.toUpperCase());
  if (!route) return { kind: 'methodNotAllowed', allowed: [...new Set(candidates.map((candidate) => candidate.method))] };
  const id = route.pattern.exec(path)?.[1];
  if (!id) return { kind: 'route', name: route.name };
  const decoded = decodePathSegment(id);
  // `%E0%A4%A` and the like decode to nothing: no resource has that id.
  return decoded === undefined ? { kind: 'notFound' } : { kind: 'route', name: route.name, id: decoded };
}

/**
 * The percent-decoded segment, or undefined when it is not valid percent-encoded UTF-8 or holds U+0000 (no id
 * does, and PostgreSQL refuses it as a query parameter).
 */
function decodePathSegment(segment: string): string | undefined {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded.includes('\u0000') ? undefined : decoded;
  } catch {
    return undefined;
  }
}

export const isWrite = (name: RouteName) => /^(create|replace|patch|delete)/.test(name);
