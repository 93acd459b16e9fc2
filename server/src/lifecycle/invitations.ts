/**
 * Sends the invitation email of one admin user. Dependencies come in as functions so the policy
 * (when to send, which link) is testable without Strapi or SMTP.
 *
 * It never throws and never rejects: mail being down must not fail provisioning, so every failure is
 * logged (without the registration token, which is a secret) and returned as a reason.
 */
import { DEFAULT_INVITATION_TEMPLATE, invitationLink, renderInvitation, type InvitationTemplate } from './invitation';

export interface InvitationMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface InvitationConfig extends Partial<InvitationTemplate> {
  enabled: boolean;
  /** `{{appName}}` in templates. */
  appName?: string;
}

export interface InvitedUser {
  id: number;
  email: string;
  firstname?: string | null;
  lastname?: string | null;
  registrationToken?: string | null;
  /** When known: an inactive admin user is never invited (Strapi's registration would activate them). */
  isActive?: boolean;
}

export type InvitationSkipReason =
  | 'disabled' // invitations are off
  | 'inactive' // the admin user is deactivated
  | 'no-email' // nothing to send to
  | 'no-link' // no SSO link and no registration token (e.g. already registered)
  | 'link-failed' // looking up the SSO link failed
  | 'send-failed' // the email plugin / SMTP refused or timed out
  | 'not-found'; // (used by the Strapi wiring) no such admin user

export type InvitationResult = { sent: true; via: 'sso' | 'registration' } | { sent: false; reason: InvitationSkipReason; error?: string };

export interface InvitationLog {
  warn(message: string): void;
  info?(message: string): void;
}

export interface InvitationSenderDeps {
  sendEmail: (message: InvitationMessage) => Promise<void>;
  /** Strapi's absolute admin URL, read when sending (config may be resolved late). */
  adminUrl: () => string;
  config: InvitationConfig;
  /** The SSO sign-in link for this user when an SSO connection applies; undefined → registration link. */
  ssoLoginUrl?: (user: InvitedUser) => string | undefined | Promise<string | undefined>;
  log: InvitationLog;
  /** A send that takes longer than this is given up (the email may still arrive). Default 30 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the email provider within ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createInvitationSender({ sendEmail, adminUrl, config, ssoLoginUrl, log, timeoutMs = DEFAULT_TIMEOUT_MS }: InvitationSenderDeps) {
  const template: InvitationTemplate = {
    subject: config.subject ?? DEFAULT_INVITATION_TEMPLATE.subject,
    text: config.text ?? DEFAULT_INVITATION_TEMPLATE.text,
    ...(config.html ? { html: config.html } : {}),
  };
  const appName = config.appName ?? 'Strapi';

  return {
    enabled: config.enabled,

    async sendInvitation(user: InvitedUser): Promise<InvitationResult> {
      if (!config.enabled) return { sent: false, reason: 'disabled' };
      if (user.isActive === false) return { sent: false, reason: 'inactive' };
      if (!user.email) return { sent: false, reason: 'no-email' };

      let ssoUrl: string | undefined;
      try {
        ssoUrl = ssoLoginUrl ? await ssoLoginUrl(user) : undefined;
      } catch (error) {
        log.warn(`[identity-bridge] invitation to ${user.email} not sent: SSO link look-up failed: ${messageOf(error)}`);
        return { sent: false, reason: 'link-failed', error: messageOf(error) };
      }
      let link: ReturnType<typeof invitationLink>;
      try {
        link = invitationLink({ adminUrl: adminUrl(), registrationToken: user.registrationToken, ssoUrl });
      } catch (error) {
        return { sent: false, reason: 'link-failed', error: messageOf(error) };
      }
      if (!link) return { sent: false, reason: 'no-link' };

      try {
        const rendered = renderInvitation(template, {
          firstname: user.firstname,
          lastname: user.lastname,
          email: user.email,
          link: link.url,
          appName,
        });
        await withTimeout(Promise.resolve().then(() => sendEmail({ to: user.email, ...rendered })), timeoutMs);
      } catch (error) {
        log.warn(`[identity-bridge] invitation to ${user.email} (admin user ${user.id}) not sent: ${messageOf(error)}`);
        return { sent: false, reason: 'send-failed', error: messageOf(error) };
      }
      log.info?.(`[identity-bridge] invitation sent to ${user.email} (admin user ${user.id}, ${link.via} link)`);
      return { sent: true, via: link.via };
    },
  };
}

export type InvitationSender = ReturnType<typeof createInvitationSender>;
