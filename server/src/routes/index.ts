/**
 * Admin API routes (under /identity-bridge on the admin server). The SCIM API is not here: it is one
 * middleware at the configured base path (see scim-http/index.ts for why).
 */
import { ACTIONS } from '../permissions';

const guard = (action: string) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [action] } }],
});

const read = guard(ACTIONS.read);
const update = guard(ACTIONS.update);

export default {
  admin: {
    type: 'admin',
    routes: [
      { method: 'GET', path: '/settings', handler: 'admin.settings', config: read },
      { method: 'GET', path: '/directories', handler: 'admin.listDirectories', config: read },
      { method: 'POST', path: '/directories', handler: 'admin.createDirectory', config: update },
      { method: 'PUT', path: '/directories/:id', handler: 'admin.updateDirectory', config: update },
      { method: 'DELETE', path: '/directories/:id', handler: 'admin.deleteDirectory', config: update },
      { method: 'GET', path: '/tokens', handler: 'admin.listTokens', config: read },
      { method: 'POST', path: '/tokens', handler: 'admin.createToken', config: update },
      { method: 'POST', path: '/tokens/:id/revoke', handler: 'admin.revokeToken', config: update },
      { method: 'GET', path: '/events', handler: 'admin.listEvents', config: read },
      { method: 'GET', path: '/events/export.csv', handler: 'admin.exportEvents', config: read },
      { method: 'GET', path: '/status', handler: 'admin.provisioningStatus', config: read },
      { method: 'GET', path: '/deprovisions', handler: 'admin.listDeprovisions', config: read },
      { method: 'POST', path: '/deprovisions/:id/:decision(approve|reject)', handler: 'admin.decideDeprovision', config: update },
      { method: 'GET', path: '/mapping', handler: 'admin.getMapping', config: read },
      { method: 'POST', path: '/mapping/preview', handler: 'admin.previewMapping', config: read },
      { method: 'PUT', path: '/mapping', handler: 'admin.saveMapping', config: update },
      { method: 'GET', path: '/mapping/options', handler: 'mapping-options.options', config: read },
      { method: 'GET', path: '/mapping/explain', handler: 'mapping-options.explainByUser', config: read },
      { method: 'GET', path: '/identities', handler: 'identities.list', config: read },
      { method: 'GET', path: '/identities/:id', handler: 'identities.get', config: read },
      { method: 'POST', path: '/identities/:id/reapply', handler: 'identities.reapply', config: update },
      { method: 'GET', path: '/groups', handler: 'identities.listGroups', config: read },
      { method: 'GET', path: '/groups/:id/members', handler: 'identities.groupMembers', config: read },
      { method: 'POST', path: '/identities/:id/invite', handler: 'admin.inviteIdentity', config: update },
      { method: 'GET', path: '/identities/:id/explain', handler: 'admin.explainIdentity', config: read },
      { method: 'GET', path: '/sso/connections', handler: 'sso.listConnections', config: read },
      { method: 'GET', path: '/sso/connections/:id', handler: 'sso.getConnection', config: read },
      { method: 'POST', path: '/sso/connections', handler: 'sso.createConnection', config: update },
      { method: 'PUT', path: '/sso/connections/:id', handler: 'sso.updateConnection', config: update },
      { method: 'POST', path: '/sso/connections/:id/:action(enable|disable)', handler: 'sso.enableConnection', config: update },
      { method: 'DELETE', path: '/sso/connections/:id', handler: 'sso.deleteConnection', config: update },
      { method: 'GET', path: '/sso/login-policy', handler: 'sso.getLoginPolicy', config: read },
      { method: 'PUT', path: '/sso/login-policy', handler: 'sso.saveLoginPolicy', config: update },
    ],
  },
  /**
   * Browser-facing SSO endpoints at fixed URLs under /api/sso (prefix '' instead of /identity-bridge): the
   * redirect URI registered at the IdP must not depend on the plugin's name. Public on purpose (`auth: false`).
   */
  sso: {
    type: 'content-api',
    prefix: '',
    routes: [
      { method: 'GET', path: '/sso', handler: 'sso.chooser', config: { auth: false } },
      { method: 'GET', path: '/sso/connections', handler: 'sso.publicConnections', config: { auth: false } },
      { method: 'GET', path: '/sso/:id/login', handler: 'sso.login', config: { auth: false } },
      { method: 'GET', path: '/sso/:id/callback', handler: 'sso.callback', config: { auth: false } },
      { method: 'GET', path: '/sso/:id/logout', handler: 'sso.logout', config: { auth: false } },
      // SAML. The ACS body is read (size-capped) by sso/acs-body.ts ahead of Strapi's body parser, which then
      // never sees the request; this route stays declared so the URL is listed and any variant lands here.
      { method: 'POST', path: '/sso/:id/acs', handler: 'sso.acs', config: { auth: false } },
      { method: 'GET', path: '/sso/:id/metadata', handler: 'sso.metadata', config: { auth: false } },
      // SAML single logout: HTTP-Redirect (GET) and HTTP-POST (body read ahead of Strapi's parser, as for the ACS).
      { method: 'GET', path: '/sso/:id/slo', handler: 'sso.slo', config: { auth: false } },
      { method: 'POST', path: '/sso/:id/slo', handler: 'sso.slo', config: { auth: false } },
    ],
  },
};
