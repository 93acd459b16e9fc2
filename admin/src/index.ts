import { PLUGIN_ID } from './pluginId';
import { installLoginButtons } from './sso/login-buttons';

/**
 * Admin-panel entry. The plugin registers itself so Strapi knows it; its settings pages (Provisioning,
 * Connections, Mappings, Provisioning log, Identities) are added by the admin-pages work.
 */
export default {
  register(app: { registerPlugin: (plugin: { id: string; name: string }) => void }) {
    app.registerPlugin({ id: PLUGIN_ID, name: PLUGIN_ID });
  },

  bootstrap() {
    // Runs before anyone is signed in, so the login page can offer single sign-on.
    if (typeof window !== 'undefined' && typeof MutationObserver !== 'undefined') installLoginButtons();
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = await import(`./translations/${locale}.json`);
          return { data: prefixKeys(data as Record<string, string>), locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};

const prefixKeys = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([key, value]) => [`${PLUGIN_ID}.${key}`, value]));
