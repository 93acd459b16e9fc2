/**
 * One function per SCIM route: read the request, call provisioning, shape the response. No business
 * rules here — they live in `provisioning/` (storage + Strapi) and `scim/` (the protocol).
 */
import type { Context } from 'koa';
import { scimErrors } from '../scim/errors';
import { listResponse, parseListQuery, parseSearchRequest, type ListQuery } from '../scim/list';
import { excludesAttribute, projectResource } from '../scim/projection';
import { resourceType, resourceTypes, schemaDocument, schemaDocuments, serviceProviderConfig } from '../scim/discovery';
import { GROUP_SCHEMAS, USER_SCHEMAS } from '../scim/schema/attributes';
import type { ScimConfig } from '../config';
import type { ScimRequestContext } from '../provisioning/context';
import type { GroupProvisioning } from '../provisioning/groups';
import type { UserProvisioning, WriteResult } from '../provisioning/users';
import type { RouteName } from './router';

export interface HandlerDeps {
  users: UserProvisioning;
  groups: GroupProvisioning;
  config: ScimConfig;
}

export interface HandlerInput {
  ctx: Context;
  context: ScimRequestContext;
  id?: string;
  body: unknown;
}

/** What a write did, for the provisioning log. */
export interface HandlerOutcome {
  resourceType?: 'User' | 'Group';
  resourceId?: string;
  resourceName?: string;
  changed?: string[];
}

type Handler = (deps: HandlerDeps, input: HandlerInput) => Promise<HandlerOutcome | void>;

const send = (ctx: Context, status: number, body?: unknown, etag?: string) => {
  ctx.status = status;
  if (etag) ctx.set('ETag', etag);
  if (body !== undefined) ctx.body = body;
};

const requireId = (id: string | undefined): string => {
  if (!id) throw scimErrors.notFound('resource id missing');
  return id;
};

const limits = (config: ScimConfig) => ({ defaultCount: config.defaultPageSize, maxCount: config.maxPageSize });

/** Loading a user's groups or a group's members is skipped when the caller's projection leaves them out. */
const wants = (query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>, attribute: string, schemas = USER_SCHEMAS) =>
  !excludesAttribute(query, attribute, schemas);

function projectionOf(ctx: Context) {
  const query = parseListQuery(ctx.query as Record<string, unknown>, { defaultCount: 1, maxCount: 1 });
  return { attributes: query.attributes, excludedAttributes: query.excludedAttributes };
}

function created(ctx: Context, result: WriteResult) {
  ctx.set('Location', String((result.resource.meta as { location?: string } | undefined)?.location ?? ''));
  send(ctx, 201, result.resource, result.etag);
}

async function listUsers(deps: HandlerDeps, ctx: Context, query: ListQuery) {
  const page = await deps.users.list(ctxContext(ctx), {
    ...(query.filter !== undefined ? { filter: query.filter } : {}),
    startIndex: query.startIndex,
    count: query.count,
    withGroups: wants(query, 'groups'),
  });
  const resources = page.resources.map((resource) => projectResource(resource, query, USER_SCHEMAS));
  send(ctx, 200, listResponse(resources, page.total, query.startIndex));
}

async function listGroups(deps: HandlerDeps, ctx: Context, query: ListQuery) {
  const page = await deps.groups.list(ctxContext(ctx), {
    ...(query.filter !== undefined ? { filter: query.filter } : {}),
    startIndex: query.startIndex,
    count: query.count,
    withMembers: wants(query, 'members', GROUP_SCHEMAS),
  });
  const resources = page.resources.map((resource) => projectResource(resource, query, GROUP_SCHEMAS));
  send(ctx, 200, listResponse(resources, page.total, query.startIndex));
}

const ctxContext = (ctx: Context): ScimRequestContext => ctx.state.scim as ScimRequestContext;

export const handlers: Record<RouteName, Handler> = {
  async serviceProviderConfig({ config }, { ctx, context }) {
    send(
      ctx,
      200,
      serviceProviderConfig({
        location: `${context.baseUrl}/ServiceProviderConfig`,
        maxPayloadSize: config.maxBodyBytes,
        maxResults: config.maxPageSize,
        maxOperations: config.maxPatchOperations,
        etag: true,
        sort: false,
        filter: true,
        bulk: false,
        changePassword: false,
      })
    );
  },
  async schemas(_deps, { ctx, context }) {
    const documents = schemaDocuments(context.baseUrl);
    send(ctx, 200, listResponse(documents, documents.length, 1));
  },
  async schema(_deps, { ctx, context, id }) {
    send(ctx, 200, schemaDocument(context.baseUrl, requireId(id)));
  },
  async resourceTypes(_deps, { ctx, context }) {
    const documents = resourceTypes(context.baseUrl);
    send(ctx, 200, listResponse(documents, documents.length, 1));
  },
  async resourceType(_deps, { ctx, context, id }) {
    send(ctx, 200, resourceType(context.baseUrl, requireId(id)));
  },
  async search() {
    // RFC 7644 §3.4.3: a root-level search spans resource types; advertised as unsupported in discovery.
    throw scimErrors.notImplemented('search across resource types is not supported: POST /Users/.search or /Groups/.search');
  },

  async listUsers(deps, { ctx }) {
    await listUsers(deps, ctx, parseListQuery(ctx.query as Record<string, unknown>, limits(deps.config)));
  },
  async searchUsers(deps, { ctx, body }) {
    await listUsers(deps, ctx, parseSearchRequest(body, limits(deps.config)));
  },
  async createUser({ users }, { ctx, context, body }) {
    const result = await users.create(context, body);
    created(ctx, result);
    return { resourceType: 'User', resourceId: String(result.resource.id), resourceName: result.name, changed: result.changed };
  },
  async getUser({ users }, { ctx, context, id }) {
    const projection = projectionOf(ctx);
    const result = await users.get(context, requireId(id), { withGroups: wants(projection, 'groups') });
    send(ctx, 200, projectResource(result.resource, projection, USER_SCHEMAS), result.etag);
  },
  async replaceUser({ users }, { ctx, context, id, body }) {
    const result = await users.replace(context, requireId(id), body, ctx.get('if-match') || undefined);
    send(ctx, 200, result.resource, result.etag);
    return { resourceType: 'User', resourceId: requireId(id), resourceName: result.name, changed: result.changed };
  },
  async patchUser({ users }, { ctx, context, id, body }) {
    const result = await users.patch(context, requireId(id), body, ctx.get('if-match') || undefined);
    send(ctx, 200, result.resource, result.etag);
    return { resourceType: 'User', resourceId: requireId(id), resourceName: result.name, changed: result.changed };
  },
  async deleteUser({ users }, { ctx, context, id }) {
    const result = await users.delete(context, requireId(id));
    send(ctx, 204);
    return { resourceType: 'User', resourceId: requireId(id), resourceName: result.name };
  },

  async listGroups(deps, { ctx }) {
    await listGroups(deps, ctx, parseListQuery(ctx.query as Record<string, unknown>, limits(deps.config)));
  },
  async searchGroups(deps, { ctx, body }) {
    await listGroups(deps, ctx, parseSearchRequest(body, limits(deps.config)));
  },
  async createGroup({ groups }, { ctx, context, body }) {
    const result = await groups.create(context, body);
    created(ctx, result);
    return { resourceType: 'Group', resourceId: String(result.resource.id), resourceName: result.name, changed: result.changed };
  },
  async getGroup({ groups }, { ctx, context, id }) {
    const projection = projectionOf(ctx);
    const result = await groups.get(context, requireId(id), { withMembers: wants(projection, 'members', GROUP_SCHEMAS) });
    send(ctx, 200, projectResource(result.resource, projection, GROUP_SCHEMAS), result.etag);
  },
  async replaceGroup({ groups }, { ctx, context, id, body }) {
    const result = await groups.replace(context, requireId(id), body, ctx.get('if-match') || undefined);
    send(ctx, 200, result.resource, result.etag);
    return { resourceType: 'Group', resourceId: requireId(id), resourceName: result.name, changed: result.changed };
  },
  async patchGroup({ groups }, { ctx, context, id, body }) {
    const result = await groups.patch(context, requireId(id), body, ctx.get('if-match') || undefined);
    send(ctx, 200, result.resource, result.etag);
    return { resourceType: 'Group', resourceId: requireId(id), resourceName: result.name, changed: result.changed };
  },
  async deleteGroup({ groups }, { ctx, context, id }) {
    const result = await groups.delete(context, requireId(id));
    send(ctx, 204);
    return { resourceType: 'Group', resourceId: requireId(id), resourceName: result.name };
  },
};
