/**
 * Request bodies of the SCIM API. Strapi's body parser ignores `application/scim+json` (what Entra sends),
 * so SCIM bodies are read here, for both media types, with a size limit enforced before parsing.
 */
import coBody from 'co-body';
import type { Context } from 'koa';
import { scimErrors } from '../scim/errors';
import { MAX_JSON_DEPTH, containsNulCharacter, exceedsJsonDepth } from '../scim/resources/json';

const JSON_TYPES = ['application/scim+json', 'application/json', 'application/*+json'];

export async function readJsonBody(ctx: Context, maxBytes: number): Promise<unknown> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > maxBytes) throw scimErrors.payloadTooLarge(`request body exceeds ${maxBytes} bytes`);
  // No Content-Type at all: read it as JSON anyway — a body is only ever JSON here.
  if (ctx.get('content-type') && !ctx.is(JSON_TYPES)) {
    throw scimErrors.unsupportedMediaType('send the body as application/scim+json or application/json');
  }
  let body: unknown;
  try {
    body = await coBody.json(ctx.req, { limit: maxBytes, strict: true, jsonTypes: JSON_TYPES });
  } catch (error) {
    const failure = error as { status?: number; type?: string; message?: string };
    if (failure.status === 413 || failure.type === 'entity.too.large') {
      throw scimErrors.payloadTooLarge(`request body exceeds ${maxBytes} bytes`);
    }
    if (failure.type === 'encoding.unsupported' || failure.status === 415) {
      throw scimErrors.unsupportedMediaType('unsupported body encoding');
    }
    // co-body parses with @hapi/bourne, which refuses any `__proto__` member (a prototype-pollution vector).
    if (/forbidden prototype property/i.test(String(failure.message))) {
      throw scimErrors.invalidSyntax('the request body has a "__proto__" member; no SCIM attribute has that name');
    }
    throw scimErrors.invalidSyntax('the request body is not valid JSON');
  }
  // JSON.parse takes any depth; what reads the body afterwards recurses. No SCIM body comes near this.
  if (exceedsJsonDepth(body)) throw scimErrors.invalidSyntax(`the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (containsNulCharacter(body)) throw scimErrors.invalidValue('the request body contains the character U+0000, which cannot be stored');
  return body;
}
