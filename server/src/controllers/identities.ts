/** Admin API of the Identities page: validate the query, call the identities service, answer JSON. */
import { z } from 'zod';
import type { Context } from 'koa';
import type { Strapi } from '../strapi/types';
import { PLUGIN_ID } from '../config';
import { fail, idParam, parse } from './answers';

import type { IdentityListQuery } from '../services/identities';

type IdentitiesService = ReturnType<typeof import('../services/identities').default>;

const paging = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
};
const search = z.string().trim().max(200).optional().transform((value) => value || undefined);
/**
 * People provisioned through SCIM (the default), or people who signed in through SSO. The SSO list has no
 * directory and no status of its own to filter on (its rows are sign-ins, linked to admin users by id only):
 * asking for either is refused, never silently ignored, so a page can't show "everyone" for a filter it did not apply.
 */
const identityQuery = z
  .object({
    directoryId: z.coerce.number().int().positive().optional(),
    active: z.enum(['true', 'false']).optional().transform((value) => (value === undefined ? undefined : value === 'true')),
    source: z.enum(['scim', 'sso']).default('scim'),
    search,
    ...paging,
  })
  .superRefine((query, issues) => {
    if (query.source !== 'sso') return;
    if (query.directoryId !== undefined) {
      issues.addIssue({ code: z.ZodIssueCode.custom, path: ['directoryId'], message: 'not supported with source=sso: SSO sign-ins belong to no directory' });
    }
    if (query.active !== undefined) {
      issues.addIssue({ code: z.ZodIssueCode.custom, path: ['active'], message: 'not supported with source=sso: the SSO list filters by name only' });
    }
  })
  .transform(({ source, directoryId, active, search: text, page, pageSize }): IdentityListQuery =>
    source === 'sso'
      ? { source, page, pageSize, ...(text ? { search: text } : {}) }
      : { source, page, pageSize, ...(text ? { search: text } : {}), ...(directoryId !== undefined ? { directoryId } : {}), ...(active !== undefined ? { active } : {}) }
  );
const groupQuery = z.object({ directoryId: z.coerce.number().int().positive().optional(), search, ...paging });
const memberQuery = z.object(paging);

export default ({ strapi }: { strapi: Strapi }) => {
  const service = () => strapi.plugin(PLUGIN_ID).service('identities') as IdentitiesService;

  return {
    async list(ctx: Context) {
      const query = parse(identityQuery, ctx.query, ctx, 'query');
      if (!query) return;
      ctx.body = await service().listIdentities(query);
    },
    async get(ctx: Context) {
      const id = parse(idParam, ctx.params.id, ctx, 'query');
      if (!id) return;
      const identity = await service().getIdentity(id);
      if (!identity) return fail(ctx, 404, 'NotFoundError', 'identity not found');
      ctx.body = { data: identity };
    },
    async reapply(ctx: Context) {
      const id = parse(idParam, ctx.params.id, ctx, 'query');
      if (!id) return;
      const admin = (ctx.state as { user?: { email?: string } }).user;
      const result = await service().reapplyMapping(id, admin?.email ?? 'admin');
      if (!result) return fail(ctx, 404, 'NotFoundError', 'identity not found');
      if (!result.ok) return fail(ctx, 409, 'ConflictError', result.message);
      ctx.body = { data: result };
    },
    async listGroups(ctx: Context) {
      const query = parse(groupQuery, ctx.query, ctx, 'query');
      if (!query) return;
      ctx.body = await service().listGroups(query);
    },
    async groupMembers(ctx: Context) {
      const id = parse(idParam, ctx.params.id, ctx, 'query');
      const query = parse(memberQuery, ctx.query, ctx, 'query');
      if (!id || !query) return;
      const members = await service().groupMembers(id, query.page, query.pageSize);
      if (!members) return fail(ctx, 404, 'NotFoundError', 'group not found');
      ctx.body = members;
    },
  };
};
