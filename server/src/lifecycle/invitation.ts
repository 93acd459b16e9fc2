/**
 * Invitation emails, the pure part: which link a new admin user gets, and the message built from the
 * owner's template. No Strapi, no I/O — `invitations.ts` sends, `index.ts` wires it to Strapi.
 *
 * Templates use `{{placeholder}}` (spaces inside the braces allowed). Values are inserted as they are in
 * the subject and text, and HTML-escaped in the html part, so a display name from the IdP can never inject
 * markup. Placeholders are validated when the configuration is read (see `unknownPlaceholders`).
 */

export interface InvitationTemplate {
  subject: string;
  text: string;
  /** Without it, the html part is derived from `text` (escaped, line breaks kept, the link clickable). */
  html?: string;
}

export interface InvitationValues {
  firstname?: string | null;
  lastname?: string | null;
  email: string;
  link: string;
  appName: string;
}

export interface RenderedInvitation {
  subject: string;
  text: string;
  html: string;
}

/** The placeholders a template may use. `name` is "firstname lastname", or the email when both are missing. */
export const INVITATION_PLACEHOLDERS = ['firstname', 'lastname', 'name', 'email', 'link', 'appName'] as const;
type Placeholder = (typeof INVITATION_PLACEHOLDERS)[number];

export const DEFAULT_INVITATION_TEMPLATE: Required<Pick<InvitationTemplate, 'subject' | 'text'>> = {
  subject: 'You have been invited to {{appName}}',
  text: [
    'Hello {{name}},',
    '',
    'An account has been created for you in the {{appName}} admin panel ({{email}}).',
    'Use this link to sign in for the first time:',
    '',
    '{{link}}',
    '',
    'If you did not expect this invitation, you can ignore this email.',
  ].join('\n'),
};

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

const isPlaceholder = (key: string): key is Placeholder => (INVITATION_PLACEHOLDERS as readonly string[]).includes(key);

/** Placeholders in `template` that rendering would not know (for configuration validation). */
export function unknownPlaceholders(template: string): string[] {
  const unknown = new Set<string>();
  for (const [, key = ''] of template.matchAll(PLACEHOLDER)) if (!isPlaceholder(key)) unknown.add(key);
  return [...unknown];
}

export const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const clean = (value: string | null | undefined): string => (typeof value === 'string' ? value.trim() : '');

function valueMap(values: InvitationValues): Record<Placeholder, string> {
  const firstname = clean(values.firstname);
  const lastname = clean(values.lastname);
  const email = clean(values.email);
  return {
    firstname,
    lastname,
    name: [firstname, lastname].filter(Boolean).join(' ') || email,
    email,
    link: values.link,
    appName: clean(values.appName),
  };
}

const fill = (template: string, map: Record<Placeholder, string>, encode: (value: string) => string = (value) => value) =>
  template.replace(PLACEHOLDER, (whole, key: string) => (isPlaceholder(key) ? encode(map[key]) : whole));

/** The html part when the owner wrote none: the text, escaped, with its line breaks and a clickable link. */
function htmlFromText(text: string, link: string): string {
  const escapedLink = escapeHtml(link);
  const escaped = escapeHtml(text);
  const linked = escapedLink ? escaped.split(escapedLink).join(`<a href="${escapedLink}">${escapedLink}</a>`) : escaped;
  const body = linked
    .replace(/\r?\n/g, '<br>\n');
  return `<!doctype html>\n<html><body><p>${body}</p></body></html>\n`;
}

export function renderInvitation(template: InvitationTemplate, values: InvitationValues): RenderedInvitation {
  const map = valueMap(values);
  // A header is one line: values with line breaks (a hostile display name) must not split it.
  const subject = fill(template.subject, map).replace(/[\r\n]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
  const text = fill(template.text, map);
  const html = template.html ? fill(template.html, map, escapeHtml) : htmlFromText(text, map.link);
  return { subject, text, html };
}

export interface InvitationLinkInput {
  /** Strapi's absolute admin URL, e.g. `https://cms.example.com/admin`. */
  adminUrl: string;
  registrationToken?: string | null;
  /** The SSO sign-in link of the user's connection, when one exists; it wins over registration. */
  ssoUrl?: string | null;
}

export interface InvitationLink {
  url: string;
  via: 'sso' | 'registration';
}

/**
 * The link an invitation carries: the SSO sign-in link when the person signs in through a connection,
 * else Strapi's own registration page for their registration token; none when neither applies (for
 * instance an admin user who has already registered: Strapi clears the token then).
 */
export function invitationLink({ adminUrl, registrationToken, ssoUrl }: InvitationLinkInput): InvitationLink | undefined {
  if (ssoUrl) return { url: ssoUrl, via: 'sso' };
  if (!registrationToken) return undefined;
  const base = adminUrl.replace(/\/+$/, '');
  return { url: `${base}/auth/register?registrationToken=${encodeURIComponent(registrationToken)}`, via: 'registration' };
}

export interface SsoInvitationInput {
  /** Where Strapi is reachable from the person's browser (`server.url`), e.g. `https://cms.example.com`. */
  publicUrl: string;
  /** Ids of the enabled SSO connections. */
  enabledConnections: readonly string[];
  /** `invitations.ssoConnection`: the owner's choice. */
  preferred?: string;
}

/**
 * The SSO sign-in link for invitations: the chosen connection if it is enabled, else the only enabled one.
 * None when there is no connection, when the choice is disabled, or when several exist and none was chosen —
 * guessing could send people to an IdP they have no account in.
 */
export function ssoInvitationUrl({ publicUrl, enabledConnections, preferred }: SsoInvitationInput): string | undefined {
  const id = preferred ? (enabledConnections.includes(preferred) ? preferred : undefined) : enabledConnections.length === 1 ? enabledConnections[0] : undefined;
  if (!id || !/^https?:\/\//.test(publicUrl)) return undefined;
  return `${publicUrl.replace(/\/+$/, '')}/api/sso/${encodeURIComponent(id)}/login`;
}
