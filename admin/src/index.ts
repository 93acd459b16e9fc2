import { PLUGIN_ID } from './pluginId';
import { PERMISSIONS } from './permissions';
import { installLoginButtons } from './sso/login-buttons';
import { loginTexts } from './sso/login-buttons-model';
import english from './translations/en.json';

/** What this plugin uses of Strapi's admin app (typed narrowly; see @strapi/admin StrapiApp / core/apis/router). */
interface AdminApp {
  registerPlugin(plugin: { id: string; name: string }): void;
  addSettingsLink(
    section: { id: string; intlLabel: { id: string; defaultMessage: string } },
    links: Array<{
      id: string;
      to: string;
      intlLabel: { id: string; defaultMessage: string };
      permissions: Array<{ action: string; subject: null }>;
      Component: () => Promise<{ default: unknown }>;
    }>
  ): void;
}

/**
 * Admin-panel entry: the settings section "Identity bridge" (links shown only to roles with the plugin's read
 * permission; each page checks it again), its pages loaded on demand, and the SSO links on the login page.
 */
export default {
  register(app: AdminApp) {
    app.registerPlugin({ id: PLUGIN_ID, name: PLUGIN_ID });
    app.addSettingsLink({ id: PLUGIN_ID, intlLabel: { id: `${PLUGIN_ID}.settings.section`, defaultMessage: 'Identity bridge' } }, [
      {
        id: `${PLUGIN_ID}-provisioning`,
        to: `${PLUGIN_ID}/provisioning`,
        intlLabel: { id: `${PLUGIN_ID}.settings.provisioning`, defaultMessage: 'Provisioning (SCIM)' },
        permissions: PERMISSIONS.read,
        Component: () => import('./pages/ProvisioningPage'),
      },
      {
        id: `${PLUGIN_ID}-connections`,
        to: `${PLUGIN_ID}/connections`,
        intlLabel: { id: `${PLUGIN_ID}.settings.connections`, defaultMessage: 'Connections (SSO)' },
        permissions: PERMISSIONS.read,
        Component: () => import('./pages/ConnectionsPage'),
      },
      {
        id: `${PLUGIN_ID}-mappings`,
        to: `${PLUGIN_ID}/mappings`,
        intlLabel: { id: `${PLUGIN_ID}.settings.mappings`, defaultMessage: 'Attribute mapping' },
        permissions: PERMISSIONS.read,
        Component: () => import('./pages/MappingsPage'),
      },
      {
        id: `${PLUGIN_ID}-log`,
        to: `${PLUGIN_ID}/log`,
        intlLabel: { id: `${PLUGIN_ID}.settings.log`, defaultMessage: 'Provisioning log' },
        permissions: PERMISSIONS.read,
        Component: () => import('./pages/LogPage'),
      },
      {
        id: `${PLUGIN_ID}-identities`,
        to: `${PLUGIN_ID}/identities`,
        intlLabel: { id: `${PLUGIN_ID}.settings.identities`, defaultMessage: 'Identities' },
        permissions: PERMISSIONS.read,
        Component: () => import('./pages/IdentitiesPage'),
      },
    ]);
  },

  bootstrap() {
    // Runs before anyone is signed in, so the login page can offer single sign-on, in the language Strapi's
    // login page shows (its choice is kept in localStorage under 'strapi-admin-language').
    if (typeof window !== 'undefined' && typeof MutationObserver !== 'undefined') {
      installLoginButtons(window, loadMessages(adminLocale()).then((messages) => loginTexts(messages, english)));
    }
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(locales.map(async (locale) => ({ data: prefixKeys(await loadMessages(locale)), locale })));
  },
};

/** The plugin's messages for a locale; none (Strapi then shows the English defaults) when there is no file. */
async function loadMessages(locale: string): Promise<Record<string, string>> {
  try {
    const { default: data } = await import(`./translations/${locale}.json`);
    return data as Record<string, string>;
  } catch {
    return {};
  }
}

function adminLocale(): string {
  try {
    return window.localStorage.getItem('strapi-admin-language') || document.documentElement.lang || 'en';
  } catch {
    return 'en'; // storage refused (privacy settings)
  }
}

const prefixKeys = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([key, value]) => [`${PLUGIN_ID}.${key}`, value]));
