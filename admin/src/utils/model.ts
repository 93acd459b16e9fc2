/**
 * Pure helpers of the admin pages (no React, no browser APIs): error messages of the admin API, the fixed SSO
 * URLs of a connection, and the connection forms ↔ the admin API's connection objects. Unit-tested in
 * test/unit/admin/model.test.ts.
 */

/** The message of an admin API error (`{ error: { message } }` inside Strapi's FetchError), or the error's own. */
export function apiErrorMessage(error: unknown): string {
  const response = (error as { response?: { data?: { error?: { message?: unknown } } } } | null)?.response;
  const message = response?.data?.error?.message;
  if (typeof message === 'string' && message.trim() !== '') return message;
  if (error instanceof Error && error.message) return error.message;
  return String(error ?? 'unknown error');
}

/** The HTTP status of an admin API error, when known. */
export function apiErrorStatus(error: unknown): number | undefined {
  const candidate = error as { status?: unknown; response?: { data?: { error?: { status?: unknown } } } } | null;
  const status = candidate?.response?.data?.error?.status ?? candidate?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Splits a validation message of the admin API (`"issuer: must use https; clientId: must not be empty"`) into
 * messages per top-level key; what names no key goes under `_`.
 */
export function fieldErrors(message: string): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const part of message.split(/;\s+/)) {
    const text = part.trim();
    if (!text) continue;
    const match = /^([A-Za-z][A-Za-z0-9]*)(?:\.[A-Za-z0-9.]+)?:\s*(.+)$/.exec(text);
    const key = match?.[1] ?? '_';
    (errors[key] ??= []).push(match ? `${match[1]}: ${match[2]}` : text);
  }
  return errors;
}

/** A list typed as text: one per line, or separated by commas/spaces; trimmed, empty and duplicate entries dropped. */
export function splitList(text: string, separator: RegExp = /[\s,]+/): string[] {
  return [...new Set(text.split(separator).map((item) => item.trim()).filter((item) => item !== ''))];
}

export type ConnectionType = 'oidc' | 'saml';

export interface ConnectionUrl {
  /** Translation key suffix: signIn, redirectUri, acs, spMetadata, slo. */
  key: 'signIn' | 'redirectUri' | 'acs' | 'spMetadata' | 'slo';
  url: string;
}

/** The fixed URLs of a connection, as the IdP administrator needs them (absolute, on `origin`). */
export function connectionUrls(origin: string, connection: { id: string; type: ConnectionType }): ConnectionUrl[] {
  const base = `${origin.replace(/\/+$/, '')}/api/sso/${encodeURIComponent(connection.id)}`;
  if (connection.type === 'oidc') {
    return [
      { key: 'signIn', url: `${base}/login` },
      { key: 'redirectUri', url: `${base}/callback` },
    ];
  }
  return [
    { key: 'signIn', url: `${base}/login` },
    { key: 'acs', url: `${base}/acs` },
    { key: 'spMetadata', url: `${base}/metadata` },
    { key: 'slo', url: `${base}/slo` },
  ];
}

/** Our default SP entity ID for a SAML connection: its SP metadata URL (unique, and what Okta/Entra expect). */
export const defaultSpEntityId = (origin: string, id: string) => `${origin.replace(/\/+$/, '')}/api/sso/${id}/metadata`;

export const CONNECTION_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A connection id suggested from its name: lower-case letters, digits and "-". */
export function suggestConnectionId(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** What the admin API lists: a connection without its secret (only whether one is set). */
export interface ConnectionView {
  id: string;
  type: ConnectionType;
  name: string;
  enabled: boolean;
  jit: boolean;
  source: 'config' | 'database';
  readOnly: boolean;
  trustEmail?: boolean;
  directory?: string;
  // OIDC
  issuer?: string;
  clientId?: string;
  scopes?: string[];
  allowedTenants?: string[];
  clientSecretSet?: boolean;
  // SAML
  idpMetadataXml?: string;
  idpMetadataUrl?: string;
  spEntityId?: string;
  allowIdpInitiated?: boolean;
  spPrivateKeySet?: boolean;
  [key: string]: unknown;
}

export interface ConnectionForm {
  type: ConnectionType;
  id: string;
  name: string;
  enabled: boolean;
  jit: boolean;
  trustEmail: boolean;
  /** Directory name; '' = none. */
  directory: string;
  // OIDC
  issuer: string;
  /** Entra tenant ids, as typed (comma/space/line separated). */
  allowedTenants: string;
  clientId: string;
  /** Write-only: '' on edit keeps the stored secret. */
  clientSecret: string;
  /** Space separated. */
  scopes: string;
  // SAML
  metadataSource: 'xml' | 'url';
  idpMetadataXml: string;
  idpMetadataUrl: string;
  spEntityId: string;
  allowIdpInitiated: boolean;
}

export const emptyConnectionForm = (type: ConnectionType): ConnectionForm => ({
  type,
  id: '',
  name: '',
  enabled: true,
  jit: false,
  trustEmail: false,
  directory: '',
  issuer: '',
  allowedTenants: '',
  clientId: '',
  clientSecret: '',
  scopes: 'openid profile email',
  metadataSource: 'xml',
  idpMetadataXml: '',
  idpMetadataUrl: '',
  spEntityId: '',
  allowIdpInitiated: false,
});

/** The form for editing a listed connection (the secret field starts empty: "unchanged"). */
export function formOfConnection(view: ConnectionView): ConnectionForm {
  const form = emptyConnectionForm(view.type);
  return {
    ...form,
    id: view.id,
    name: view.name,
    enabled: view.enabled,
    jit: Boolean(view.jit),
    trustEmail: Boolean(view.trustEmail),
    directory: view.directory ?? '',
    issuer: view.issuer ?? '',
    allowedTenants: (view.allowedTenants ?? []).join(', '),
    clientId: view.clientId ?? '',
    scopes: (view.scopes ?? ['openid', 'profile', 'email']).join(' '),
    metadataSource: view.idpMetadataUrl ? 'url' : 'xml',
    idpMetadataXml: view.idpMetadataXml ?? '',
    idpMetadataUrl: view.idpMetadataUrl ?? '',
    spEntityId: view.spEntityId ?? '',
    allowIdpInitiated: Boolean(view.allowIdpInitiated),
  };
}

/** Keys only the admin API's answer has (never sent back). */
const VIEW_ONLY_KEYS = ['id', 'source', 'readOnly', 'clientSecretSet', 'spPrivateKeySet'];
/** Keys the forms manage: on edit, these replace the stored values; every other key is sent back unchanged. */
const OIDC_FORM_KEYS = ['type', 'name', 'enabled', 'jit', 'trustEmail', 'directory', 'issuer', 'allowedTenants', 'clientId', 'clientSecret', 'scopes'];
const SAML_FORM_KEYS = ['type', 'name', 'enabled', 'jit', 'trustEmail', 'directory', 'idpMetadataXml', 'idpMetadataUrl', 'spEntityId', 'allowIdpInitiated'];

/**
 * The body of `POST /sso/connections` (no `existing`) or `PUT /sso/connections/:id` (a full update: keys the form
 * does not show — groupsClaim, clock skew, SP signing certificate, … — are sent back as they are). Empty optional
 * fields are left out; an empty client secret on edit keeps the stored one.
 */
export function connectionPayload(form: ConnectionForm, options: { origin: string; existing?: ConnectionView }): Record<string, unknown> {
  const { existing } = options;
  const formKeys = form.type === 'oidc' ? OIDC_FORM_KEYS : SAML_FORM_KEYS;
  const kept: Record<string, unknown> = {};
  if (existing) {
    for (const [key, value] of Object.entries(existing)) {
      if (!VIEW_ONLY_KEYS.includes(key) && !formKeys.includes(key) && value !== undefined && value !== null) kept[key] = value;
    }
  }
  const payload: Record<string, unknown> = {
    ...kept,
    ...(existing ? {} : { id: form.id.trim() }),
    type: form.type,
    name: form.name.trim(),
    enabled: form.enabled,
    jit: form.jit,
    trustEmail: form.trustEmail,
  };
  if (form.directory.trim()) payload.directory = form.directory.trim();
  if (form.type === 'oidc') {
    payload.issuer = form.issuer.trim();
    payload.clientId = form.clientId.trim();
    if (form.clientSecret !== '' || !existing) payload.clientSecret = form.clientSecret;
    const scopes = splitList(form.scopes);
    if (scopes.length > 0) payload.scopes = scopes;
    const tenants = splitList(form.allowedTenants);
    if (tenants.length > 0) payload.allowedTenants = tenants;
    return payload;
  }
  if (form.metadataSource === 'url') payload.idpMetadataUrl = form.idpMetadataUrl.trim();
  else payload.idpMetadataXml = form.idpMetadataXml.trim();
  const id = existing?.id ?? form.id.trim();
  payload.spEntityId = form.spEntityId.trim() || defaultSpEntityId(options.origin, id);
  payload.allowIdpInitiated = form.allowIdpInitiated;
  return payload;
}

/** Problems the browser can see before asking the server (which checks everything again), by form key. */
export function connectionFormProblems(form: ConnectionForm, editing: boolean): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!editing && !CONNECTION_ID_PATTERN.test(form.id.trim())) problems.id = 'id';
  if (!form.name.trim()) problems.name = 'name';
  if (form.type === 'oidc') {
    if (!/^https?:\/\/\S+$/i.test(form.issuer.trim())) problems.issuer = 'issuer';
    if (!form.clientId.trim()) problems.clientId = 'clientId';
    if (!editing && form.clientSecret === '') problems.clientSecret = 'clientSecret';
    if (!splitList(form.scopes).includes('openid')) problems.scopes = 'scopes';
  } else if (form.metadataSource === 'url') {
    if (!/^https?:\/\/\S+$/i.test(form.idpMetadataUrl.trim())) problems.idpMetadataUrl = 'idpMetadataUrl';
  } else if (!form.idpMetadataXml.trim()) {
    problems.idpMetadataXml = 'idpMetadataXml';
  }
  return problems;
}

/** The login method policy as typed (one email / role per line or comma separated; role names may hold spaces) → the admin API's body. */
export function loginPolicyPayload(users: string, roles: string): { ssoOnlyUsers: string[]; ssoOnlyRoles: string[] } {
  return { ssoOnlyUsers: splitList(users.toLowerCase()), ssoOnlyRoles: splitList(roles, /[\n,]+/) };
}
