/**
 * Bearer-token authentication of SCIM callers. Fails closed: anything but a live token of a live
 * directory is a 401 with a SCIM error body (Okta's validator checks that body).
 */
import type { Context } from 'koa';
import { scimErrors } from '../scim/errors';
import type { DirectoryStore, TokenRecord } from '../directory';

export interface Caller {
  token: TokenRecord;
  directoryName: string;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i;

/**
 * `admit` runs as soon as the token is known to be live (from the in-memory token cache, usually without a
 * query), before any other database work: the rate limit refuses there, so a refused request costs no query.
 */
export async function authenticate(ctx: Context, store: DirectoryStore, admit?: (token: TokenRecord) => void): Promise<Caller> {
  const header = ctx.get('authorization');
  const match = BEARER.exec(header);
  if (!match?.[1]) {
    throw scimErrors.unauthorized(header ? 'the Authorization header must be "Bearer <token>"' : 'missing bearer token');
  }
  const token = await store.tokens.authenticate(match[1]);
  if (!token) throw scimErrors.unauthorized('invalid or revoked token');
  admit?.(token);
  const directory = await store.directories.findById(token.directoryId);
  if (!directory) throw scimErrors.unauthorized('the token belongs to a directory that no longer exists');
  await store.tokens.touch(token.id);
  return { token, directoryName: directory.name };
}
