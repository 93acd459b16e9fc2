/**
 * One function per SCIM route: read the request, call provisioning, shape the response. No business
 * rules here — they live in `provisioning/` (storage + Strapi) and `scim/` (the protocol).
 */
import type { Context } from 'koa';
import { scimErrors } from '../scim/errors';
import { listResponse, parseListQuery, parseSearchRequest, type ListQuery } from '../scim/list';
import { excludesAttribute, projectResource } from '../scim/projection';
import { resourceType, resourceTypes, schemaDocument, schemaDocuments, serviceProviderConfig } from '../scim/discovery';
import { GROUP_SCHEMAS, USER_SCHEMAS, type ResourceSchemas } from '../scim/schema/attributes';
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
  staged?: 'deactivate' | 'delete';
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
const ifMatchOf = (ctx: Context) => ctx.get('if-match') || undefined;

/**
 * The operations Users and Groups share. `withRelated` asks for the attribute that costs a join — a
 * user's `groups`, a group's `members` — and is false whenever the caller's projection leaves it out
 * (Entra lists groups with `excludedAttributes=members`).
 */
interface ResourceService {
  create(context: ScimRequestContext, body: unknown): Promise<WriteResult>;
  get(context: ScimRequestContext, id: string, withRelated: boolean): Promise<{ resource: Record<string, unknown>; etag: string }>;
  replace(context: ScimRequestContext, id: string, body: unknown, ifMatch?: string): Promise<WriteResult>;
  patch(context: ScimRequestContext, id: string, body: unknown, ifMatch?: string): Promise<WriteResult>;
  delete(context: ScimRequestContext, id: string): Promise<{ name: string; staged?: 'deactivate' | 'delete' }>;
  list(
    context: ScimRequestContext,
    request: { filter?: string; startIndex: number; count: number; withRelated: boolean }
  ): Promise<{ resources: Record<string, unknown>[]; total: number }>;
}

function resourceHandlers(kind: 'User' | 'Group', schemas: ResourceSchemas, related: string, service: (deps: HandlerDeps) => ResourceService) {
  const wantsRelated = (query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>) => !excludesAttribute(query, related, schemas);
  const outcome = (id: string, result: { name: string; changed?: string[]; staged?: 'deactivate' | 'delete' }): HandlerOutcome => ({
    resourceType: kind,
    resourceId: id,
    resourceName: result.name,
    ...(result.changed ? { changed: result.changed } : {}),
    ...(result.staged ? { staged: result.staged } : {}),
  });

  async function list(deps: HandlerDeps, { ctx, context }: HandlerInput, query: ListQuery) {
    const page = await service(deps).list(context, {
      ...(query.filter !== undefined ? { filter: query.filter } : {}),
      startIndex: query.startIndex,
      count: query.count,
      withRelated: wantsRelated(query),
    });
    const resources = page.resources.map((resource) => projectResource(resource, query, schemas));
    send(ctx, 200, listResponse(resources, page.total, query.startIndex));
  }

  return {
    list: (deps: HandlerDeps, input: HandlerInput) => list(deps, input, parseListQuery(input.ctx.query as Record<string, unknown>, limits(deps.config))),
    search: (deps: HandlerDeps, input: HandlerInput) => list(deps, input, parseSearchRequest(input.body, limits(deps.config))),
    async create(deps: HandlerDeps, { ctx, context, body }: HandlerInput) {
      const result = await service(deps).create(context, body);
      ctx.set('Location', String((result.resource.meta as { location?: string } | undefined)?.location ?? ''));
      send(ctx, 201, result.resource, result.etag);
      return outcome(String(result.resource.id), result);
    },
    async get(deps: HandlerDeps, { ctx, context, id }: HandlerInput) {
      const { attributes, excludedAttributes } = parseListQuery(ctx.query as Record<string, unknown>, { defaultCount: 1, maxCount: 1 });
      const projection = { attributes, excludedAttributes };
      const result = await service(deps).get(context, requireId(id), wantsRelated(projection));
      send(ctx, 200, projectResource(result.resource, projection, schemas), result.etag);
    },
    async replace(deps: HandlerDeps, { ctx, context, id, body }: HandlerInput) {
      const result = await service(deps).replace(context, requireId(id), body, ifMatchOf(ctx));
      send(ctx, 200, result.resource, result.etag);
      return outcome(requireId(id), result);
    },
    async patch(deps: HandlerDeps, { ctx, context, id, body }: HandlerInput) {
      const result = await service(deps).patch(context, requireId(id), body, ifMatchOf(ctx));
      send(ctx, 200, result.resource, result.etag);
      return outcome(requireId(id), result);
    },
    async delete(deps: HandlerDeps, { ctx, context, id }: HandlerInput) {
      const result = await service(deps).delete(context, requireId(id));
      send(ctx, 204);
      return outcome(requireId(id), result);
    },
  };
}

const users = resourceHandlers('User', USER_SCHEMAS, 'groups', (deps) => deps.users);
const groups = resourceHandlers('Group', GROUP_SCHEMAS, 'members', (deps) => deps.groups);

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
    // RFC 7644 §3.4.3: a root-level search spans resource types; we answer per type only.
    throw scimErrors.notImplemented('search across resource types is not supported: POST /Users/.search or /Groups/.search');
  },

  listUsers: users.list,
  searchUsers: users.search,
  createUser: users.create,
  getUser: users.get,
  replaceUser: users.replace,
  patchUser: users.patch,
  deleteUser: users.delete,

  listGroups: groups.list,
  searchGroups: groups.search,
  createGroup: groups.create,
  getGroup: groups.get,
  replaceGroup: groups.replace,
  patchGroup: groups.patch,
  deleteGroup: groups.delete,
};
