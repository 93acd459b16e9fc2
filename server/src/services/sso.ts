/** What the admin API does with SSO connections and the login method policy. */
import type { Strapi } from '../strapi/types';
import { pluginContext } from '../plugin-context';

export default ({ strapi }: { strapi: Strapi }) => {
  const sso = () => pluginContext(strapi).sso;
  return {
    listConnections: () => sso().connections.list(),
    async createConnection(input: unknown) {
      const created = await sso().connections.create(input);
      sso().relyingParty.forgetAll();
      return created;
    },
    async updateConnection(id: string, input: unknown) {
      const updated = await sso().connections.update(id, input);
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
