/** Admin API of the Attribute mapping page: pick lists, and "explain" for a person named by userName or email. */
import { z } from 'zod';
import type { Context } from 'koa';
import type { Strapi } from '../strapi/types';
import { PLUGIN_ID } from '../config';

type OptionsService = ReturnType<typeof import('../services/mapping-options').default>;
type AdminService = ReturnType<typeof import('../services/admin').default>;

const explainQuery = z.object({ user: z.string().trim().min(1, 'give a userName or an email').max(320) });

export default ({ strapi }: { strapi: Strapi }) => {
  const options = () => strapi.plugin(PLUGIN_ID).service('mapping-options') as OptionsService;
  const admin = () => strapi.plugin(PLUGIN_ID).service('admin') as AdminService;

  return {
    async options(ctx: Context) {
      ctx.body = { data: await options().options() };
    },

    /** GET /mapping/explain?user=ada@example.com: which rule gives which role to that person, with the rules in force. */
    async explainByUser(ctx: Context) {
      const query = explainQuery.safeParse(ctx.query);
      if (!query.success) {
        ctx.status = 400;
        ctx.body = { error: { status: 400, name: 'ValidationError', message: `user: ${query.error.issues[0]?.message ?? 'invalid'}` } };
        return;
      }
      const id = await options().findIdentityId(query.data.user);
      const explanation = id === null ? null : await admin().explainIdentity(id);
      if (!explanation) {
        ctx.status = 404;
        ctx.body = { error: { status: 404, name: 'NotFoundError', message: `no provisioned person has the userName or email "${query.data.user}"` } };
        return;
      }
      ctx.body = { data: explanation };
    },
  };
};
