/** Admin API controllers: validate input with zod, call the admin service, answer JSON. */
import { z } from 'zod';
import type { Context } from 'koa';
import { Readable } from 'node:stream';
import type { Strapi } from '../strapi/types';
import { PLUGIN_ID } from '../config';
import { fail, idParam, parse } from './answers';
import { invitationAnswer } from '../lifecycle';
import { MappingReadOnlyError, MappingValidationError, StaleSettingError } from '../sync/mapping-rules';

const directoryInput = z.object({ name: z.string().trim().min(1).max(200), description: z.string().max(2000).nullish() }).strict();
const directoryUpdate = directoryInput.partial();
const tokenInput = z
  .object({ name: z.string().trim().min(1).max(200), description: z.string().max(2000).nullish(), directoryId: z.number().int().positive() })
  .strict();
const tokenQuery = z.object({
  directoryId: z.coerce.number().int().positive().optional(),
  revoked: z.enum(['true', 'false']).optional().transform((value) => (value === undefined ? undefined : value === 'true')),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(100),
});
const eventFilters = z.object({
  directoryId: z.coerce.number().int().positive().optional(),
  tokenId: z.coerce.number().int().positive().optional(),
  connectionId: z.string().max(200).optional(),
  search: z.string().trim().max(200).optional().transform((value) => value || undefined),
  outcome: z.enum(['success', 'failure', 'staged']).optional(),
  // Every type the log holds: SCIM users and groups, SSO sign-ins, admin users refused a password sign-in.
  resourceType: z.enum(['User', 'Group', 'SsoSignIn', 'AdminUser']).optional(),
  // U+0000 refused: PostgreSQL cannot take it as a query parameter (a 500 otherwise).
  resourceId: z.string().max(200).regex(/^[^\u0000]*$/).optional(),
  operation: z.string().max(50).regex(/^[^\u0000]*$/).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
});
const eventQuery = eventFilters.extend({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});

type AdminService = ReturnType<typeof import('../services/admin').default>;

const statusQuery = z.object({
  hours: z.coerce.number().int().min(1).max(24 * 7).default(24),
  directoryId: z.coerce.number().int().positive().optional(),
});

const deprovisionQuery = z.object({
  status: z.enum(['applied', 'staged', 'approved', 'rejected']).optional(),
  directoryId: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});

const mappingInput = z
  .object({ attributes: z.array(z.unknown()).default([]), policy: z.unknown(), content: z.array(z.unknown()).default([]) })
  .strict();
const mappingSave = mappingInput.extend({ expectedVersion: z.number().int().min(0) }).strict();

/** Maps the mapping module's errors to answers that say what to fix. */
function mappingError(ctx: Context, error: unknown): void {
  if (error instanceof MappingValidationError) return fail(ctx, 400, 'ValidationError', error.message, { errors: error.errors });
  if (error instanceof MappingReadOnlyError) return fail(ctx, 409, 'ConflictError', error.message);
  if (error instanceof StaleSettingError) {
    return fail(ctx, 409, 'ConflictError', `the rules were changed by someone else (now version ${error.currentVersion}); reload and retry`);
  }
  throw error;
}

const notFound = (ctx: Context, what: string) => fail(ctx, 404, 'NotFoundError', `${what} not found`);

export default ({ strapi }: { strapi: Strapi }) => {
  const service = () => strapi.plugin(PLUGIN_ID).service('admin') as AdminService;

  return {
    async settings(ctx: Context) {
      const basePath = service().scimBasePath();
      const publicUrl = String(strapi.config.get('server.url') ?? '').replace(/\/+$/, '');
      const origin = /^https?:\/\//.test(publicUrl) ? publicUrl : `${ctx.protocol}://${ctx.host}`;
      // `origin`: where the browser-facing SSO URLs (/api/sso/...) live, computed as the SSO controller does.
      const ssoOrigin = /^https?:\/\//i.test(publicUrl) ? new URL(publicUrl).origin : ctx.origin;
      ctx.body = { data: { scimBaseUrl: `${origin}${basePath}`, scimBasePath: basePath, origin: ssoOrigin } };
    },

    async listDirectories(ctx: Context) {
      ctx.body = { data: await service().listDirectories() };
    },
    async createDirectory(ctx: Context) {
      const input = parse(directoryInput, (ctx.request as { body?: unknown }).body, ctx);
      if (!input) return;
      ctx.status = 201;
      ctx.body = { data: await service().createDirectory(input) };
    },
    async updateDirectory(ctx: Context) {
      const id = parse(idParam, ctx.params.id, ctx);
      const input = parse(directoryUpdate, (ctx.request as { body?: unknown }).body, ctx);
      if (!id || !input) return;
      const updated = await service().updateDirectory(id, input);
      if (!updated) return notFound(ctx, 'directory');
      ctx.body = { data: updated };
    },
    async deleteDirectory(ctx: Context) {
      const id = parse(idParam, ctx.params.id, ctx);
      if (!id) return;
      const result = await service().deleteDirectory(id);
      if (result.deleted) {
        ctx.status = 204;
        return;
      }
      if (result.reason === 'not found') return notFound(ctx, 'directory');
      ctx.status = 409;
      ctx.body = {
        error: {
          status: 409,
          name: 'ConflictError',
          message:
            result.reason === 'default'
              ? 'the default directory cannot be deleted'
              : 'the directory still has provisioned users or groups',
        },
      };
    },

    async listTokens(ctx: Context) {
      const query = parse(tokenQuery, ctx.query, ctx);
      if (!query) return;
      ctx.body = await service().listTokens(query);
    },
    async createToken(ctx: Context) {
      const input = parse(tokenInput, (ctx.request as { body?: unknown }).body, ctx);
      if (!input) return;
      const directories = await service().listDirectories();
      if (!directories.some((directory) => directory.id === input.directoryId)) return notFound(ctx, 'directory');
      const { token, secret } = await service().createToken(input);
      ctx.status = 201;
      // The only time the secret leaves the server.
      ctx.body = { data: { ...token, secret } };
    },
    async revokeToken(ctx: Context) {
      const id = parse(idParam, ctx.params.id, ctx);
      if (!id) return;
      const revoked = await service().revokeToken(id);
      if (!revoked) return notFound(ctx, 'token');
      ctx.body = { data: revoked };
    },

    async getMapping(ctx: Context) {
      ctx.body = { data: await service().getMapping() };
    },
    async previewMapping(ctx: Context) {
      const input = parse(mappingInput, (ctx.request as { body?: unknown }).body, ctx);
      if (!input) return;
      try {
        const settings = await service().validateMapping(input);
        ctx.body = { data: await service().previewMapping(settings) };
      } catch (error) {
        mappingError(ctx, error);
      }
    },
    async saveMapping(ctx: Context) {
      const input = parse(mappingSave, (ctx.request as { body?: unknown }).body, ctx);
      if (!input) return;
      try {
        const settings = await service().validateMapping(input);
        ctx.body = { data: await service().saveMapping(settings, input.expectedVersion) };
      } catch (error) {
        mappingError(ctx, error);
      }
    },
    async explainIdentity(ctx: Context) {
      const id = parse(idParam, ctx.params.id, ctx);
      if (!id) return;
      const explanation = await service().explainIdentity(id);
      if (!explanation) return notFound(ctx, 'identity');
      ctx.body = { data: explanation };
    },

    async listDeprovisions(ctx: Context) {
      const query = parse(deprovisionQuery, ctx.query, ctx);
      if (!query) return;
      ctx.body = await service().listDeprovisions(query);
    },
    async decideDeprovision(ctx: Context) {
      const id = parse(idParam, ctx.params.id, ctx);
      if (!id) return;
      const decision = ctx.params.decision === 'approve' ? 'approved' : 'rejected';
      const admin = (ctx.state as { user?: { email?: string } }).user;
      const result = await service().decideDeprovision(id, decision, admin?.email ?? 'admin');
      if (result === 'not found') return notFound(ctx, 'staged deprovisioning');
      if (result === 'already decided') return fail(ctx, 409, 'ConflictError', 'this deprovisioning was already decided');
      ctx.body = { data: result };
    },

    async inviteIdentity(ctx: Context) {
      const id = parse(idParam, ctx.params.id, ctx);
      if (!id) return;
      const answer = invitationAnswer(await service().inviteIdentity(id));
      ctx.status = answer.status;
      ctx.body = answer.body;
    },

    /** Provisioning activity of the last `hours` (default 24): SCIM requests by outcome and the last request. */
    async provisioningStatus(ctx: Context) {
      const query = parse(statusQuery, ctx.query, ctx);
      if (!query) return;
      ctx.body = { data: await service().provisioningStatus(query.hours, query.directoryId) };
    },

    async listEvents(ctx: Context) {
      const query = parse(eventQuery, ctx.query, ctx);
      if (!query) return;
      ctx.body = await service().queryEvents(query);
    },

    /** The log as a CSV download with the list's filters (streamed; capped — the headers say when it was cut). */
    async exportEvents(ctx: Context) {
      const query = parse(eventFilters, ctx.query, ctx);
      if (!query) return;
      const { total, limit, truncated, rows } = await service().exportEvents(query);
      ctx.set('Content-Type', 'text/csv; charset=utf-8');
      ctx.set('Content-Disposition', `attachment; filename="provisioning-log-${new Date().toISOString().slice(0, 10)}.csv"`);
      ctx.set('X-Export-Total', String(total));
      ctx.set('X-Export-Limit', String(limit));
      ctx.set('X-Export-Truncated', String(truncated));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = Readable.from(rows);
    },
  };
};
