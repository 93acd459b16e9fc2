/** What the admin API does with SSO connections and the login method policy. */
import type { Strapi } from '../strapi/types';
import { pluginContext } from '../plugin-context';
import { ConnectionValidationError } from '../sso/connections/registry';
import { samlConnectionSchema } from '../sso/connections/schema';

export default ({ strapi }: { strapi: Strapi }) => {
  const sso = () => pluginContext(strapi).sso;

  /**
   * A SAML connection with `idpMetadataUrl` is saved only when its metadata can be fetched and parsed now: the
   * parsed result is then kept on the row (refreshed later at sign-in). Anything else is validated by the registry.
   */
  async function metadataFor(input: unknown, id?: string) {
    const candidate = { ...(input as object), ...(id ? { id } : {}) } as Record<string, unknown>;
    if (candidate.type !== 'saml' || typeof candidate.idpMetadataUrl !== 'string') return null;
    const parsed = samlConnectionSchema.safeParse(candidate);
    if (!parsed.success || !parsed.data.idpMetadataUrl) return null; // the registry reports the problems
    try {
      return await sso().saml.prefetch({ ...parsed.data, idpMetadataUrl: parsed.data.idpMetadataUrl });
    } catch (error) {
      throw new ConnectionValidationError([`idpMetadataUrl: ${(error as Error).message}`]);
    }
  }

  return {
    listConnections: () => sso().connections.list(),
    getConnection: (id: string) => sso().connections.view(id),
    async createConnection(input: unknown) {
      const metadata = await metadataFor(input);
      const created = await sso().connections.create(input);
      if (metadata) await sso().saml.remember({ id: created.id, source: 'database' }, metadata);
      sso().relyingParty.forgetAll();
      return created;
    },
    async updateConnection(id: string, input: unknown) {
      const current = await sso().connections.find(id);
      const metadata = current?.type === 'saml' && current.source === 'database' ? await metadataFor({ type: 'saml', ...(input as object) }, id) : null;
      const updated = await sso().connections.update(id, input);
      if (updated && metadata) await sso().saml.remember({ id, source: 'database' }, metadata);
      sso().relyingParty.forgetAll();
      return updated;
    },
    setConnectionEnabled: (id: string, enabled: boolean) => sso().connections.setEnabled(id, enabled),
    deleteConnection: (id: string) => sso().connections.delete(id),
    async getLoginPolicy() {
      return { ...(await sso().loginPolicy.current()), readOnly: sso().loginPolicy.readOnly };
    },
    saveLoginPolicy: (input: unknown) => sso().loginPolicy.save(input),
  };
};
