/**
 * The `invitations` block of the plugin configuration. Lives here, next to the templates it validates;
 * `config/index.ts` mounts it as `invitations: invitationsConfig.default({})`.
 */
import { z } from 'zod';
import { DEFAULT_INVITATION_TEMPLATE, INVITATION_PLACEHOLDERS, unknownPlaceholders } from './invitation';

/** A template string whose placeholders all exist: a typo fails at start-up, not in someone's inbox. */
const template = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const unknown = unknownPlaceholders(value);
    if (unknown.length > 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `unknown placeholder(s) ${unknown.map((key) => `{{${key}}}`).join(', ')}; known: ${INVITATION_PLACEHOLDERS.map((key) => `{{${key}}}`).join(', ')}`,
      });
    }
  });

export const invitationsConfig = z
  .object({
    /** Email an invitation when SCIM provisions an active admin user (needs Strapi's email plugin configured). */
    enabled: z.boolean().default(false),
    subject: template.default(DEFAULT_INVITATION_TEMPLATE.subject),
    text: template.default(DEFAULT_INVITATION_TEMPLATE.text),
    /** Optional html part; without it one is derived from `text`. Values are HTML-escaped. */
    html: template.optional(),
    /** What `{{appName}}` says. */
    appName: z.string().min(1).default('Strapi'),
    /**
     * The SSO connection whose sign-in link invitations carry. Unset: the only enabled connection, if there
     * is exactly one; with none (or several and no choice) invitations carry Strapi's registration link.
     */
    ssoConnection: z.string().min(1).optional(),
  })
  .strict();

export type InvitationsConfig = z.infer<typeof invitationsConfig>;
