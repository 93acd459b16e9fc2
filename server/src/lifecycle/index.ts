/**
 * Invitations wired to Strapi: the email plugin sends, `admin.absoluteUrl` is where registration lives,
 * and admin users are read through the admin-users adapter. Nothing here ever rejects, so callers may
 * fire and forget (`void invitations.inviteAdminUser(id)`).
 */
import type { Strapi } from '../strapi/types';
import type { AdminUser } from '../strapi/types';
import type { InvitationsConfig } from './config';
import { createInvitationSender, type InvitationMessage, type InvitationResult, type InvitedUser } from './invitations';

export { invitationsConfig, type InvitationsConfig } from './config';
export { createInvitationSender, type InvitationResult, type InvitationSender, type InvitedUser } from './invitations';
export { invitationLink, renderInvitation, ssoInvitationUrl, DEFAULT_INVITATION_TEMPLATE, INVITATION_PLACEHOLDERS } from './invitation';

interface EmailService {
  send(options: InvitationMessage): Promise<unknown>;
}

export interface StrapiInvitationsDeps {
  config: InvitationsConfig;
  adminUsers: { findById(id: number): Promise<AdminUser | null> };
  /** Future SSO connections: the sign-in link for a user, or undefined for Strapi's registration link. */
  ssoLoginUrl?: (user: InvitedUser) => string | undefined | Promise<string | undefined>;
}

export function createStrapiInvitations(strapi: Strapi, { config, adminUsers, ssoLoginUrl }: StrapiInvitationsDeps) {
  const log = {
    warn: (message: string) => strapi.log.warn(message),
    info: (message: string) => strapi.log.info(message),
  };
  const sender = createInvitationSender({
    async sendEmail(message) {
      const email = strapi.plugin('email')?.service('email') as unknown as EmailService | undefined;
      if (!email) throw new Error("Strapi's email plugin is not available");
      await email.send(message);
    },
    adminUrl: () => String(strapi.config.get('admin.absoluteUrl') ?? ''),
    config,
    ...(ssoLoginUrl ? { ssoLoginUrl } : {}),
    log,
  });

  return {
    enabled: sender.enabled,
    sendInvitation: sender.sendInvitation,

    /** Loads the admin user and invites them; resolves with the outcome, never rejects. */
    async inviteAdminUser(adminUserId: number): Promise<InvitationResult> {
      if (!config.enabled) return { sent: false, reason: 'disabled' };
      try {
        const user = await adminUsers.findById(adminUserId);
        if (!user) return { sent: false, reason: 'not-found' };
        return await sender.sendInvitation(user);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.warn(`[identity-bridge] invitation for admin user ${adminUserId} not sent: ${message}`);
        return { sent: false, reason: 'send-failed', error: message };
      }
    },
  };
}

export type StrapiInvitations = ReturnType<typeof createStrapiInvitations>;

const SKIP_MESSAGES: Record<string, string> = {
  disabled: 'invitation emails are turned off (plugin config `invitations.enabled`)',
  inactive: 'the admin user is deactivated: activate them first',
  'no-email': 'the admin user has no email address',
  'no-link': 'the admin user has already registered (no registration token) and no SSO connection applies',
  'link-failed': 'the SSO sign-in link could not be determined',
};

/**
 * The admin API's answer to a re-send (`POST /identities/:id/invite`): 200 `{ data: { sent: true, via } }`;
 * 404 unknown identity or admin user (`result` null or reason `not-found`); 409 skipped (details.reason);
 * 502 the email provider failed (details.reason `send-failed`).
 */
export function invitationAnswer(result: InvitationResult | null): { status: number; body: unknown } {
  const error = (status: number, name: string, message: string, reason?: string) => ({
    status,
    body: { error: { status, name, message, ...(reason ? { details: { reason } } : {}) } },
  });
  if (!result) return error(404, 'NotFoundError', 'identity not found');
  if (result.sent) return { status: 200, body: { data: result } };
  if (result.reason === 'not-found') return error(404, 'NotFoundError', 'this identity has no Strapi admin user', result.reason);
  if (result.reason === 'send-failed') {
    return error(502, 'BadGatewayError', `the invitation could not be sent: ${result.error ?? 'email provider error'}`, result.reason);
  }
  return error(409, 'ConflictError', SKIP_MESSAGES[result.reason] ?? result.reason, result.reason);
}
