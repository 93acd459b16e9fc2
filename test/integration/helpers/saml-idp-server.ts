/**
 * A real signing SAML IdP served over HTTP on 127.0.0.1: the samlify IdP of the unit tests
 * (test/unit/sso/saml/helpers) behind a tiny HTTP server, so a headless browser can go sign-in URL → IdP → ACS.
 *
 * - `GET /metadata`: the IdP metadata (what an owner pastes or points `idpMetadataUrl` at);
 * - `GET /sso?SAMLRequest=…&RelayState=…` (HTTP-Redirect binding): reads the AuthnRequest exactly as an IdP would,
 *   "logs in" the account named by `login_hint` (if the test put one there), else `next.login`, else
 *   `defaultLogin`, and answers an auto-POST form to the ACS the request names, with the same RelayState;
 * - `GET /idp-initiated?sp={entityId}&login=…`: an unsolicited response (a "My Apps" tile).
 * Entra-shaped attributes (objectidentifier, tenantid, groups, role, emailaddress, givenname, surname; issuer
 * `https://sts.windows.net/{tenant}/`) or an Okta-shaped variant (persistent NameID, email/firstName/lastName/groups).
 * `next` changes the next response only: fields (audience, destination…), SHA-1, unsigned, a DTD.
 * Single logout: `GET /sso/logout?SAMLRequest=…` (the SLO endpoint its metadata lists, HTTP-Redirect) reads the SP's
 * LogoutRequest (kept in `logoutRequests`) and redirects back to the SP's SLO endpoint with a LogoutResponse;
 * `logoutRequest()` builds an IdP-initiated LogoutRequest for an account (signed unless told otherwise).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import * as samlify from 'samlify';
import { ENTRA_CLAIM } from '../../../server/src/sso/saml';
import { generateTestKeyPair } from '../../unit/sso/saml/helpers/certificates';
import { RSA_SHA1, TestIdp, decode, encode, type LogoutRequestFields, type ResponseFields, type SentLogoutMessage } from '../../unit/sso/saml/helpers/saml-idp';

export interface SamlAccount {
  login: string;
  objectId: string;
  email: string;
  givenName: string;
  surname: string;
  groups?: string[];
  roles?: string[];
  /** Entra's groups overage: `groups.link` instead of `groups`. */
  overage?: boolean;
}

export interface NextResponse {
  login?: string;
  fields?: Partial<ResponseFields>;
  sha1?: boolean;
  unsigned?: boolean;
  doctype?: boolean;
  signResponse?: boolean;
}

export interface AutoPostForm {
  action: string;
  fields: Record<string, string>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

export class SamlIdpServer {
  readonly accounts = new Map<string, SamlAccount>();
  readonly sps = new Map<string, string>();
  next: NextResponse = {};
  defaultLogin = 'alice';
  /** The id of the last AuthnRequest the IdP read. */
  lastRequestId: string | null = null;
  /** Every LogoutRequest an SP sent to the SLO endpoint, as the IdP read it. */
  readonly logoutRequests: { id: string; nameId: string; sessionIndex?: string; issuer: string; signed: boolean }[] = [];
  /** The status the next LogoutResponse carries (default Success); consumed by the next logout. */
  nextLogoutStatus: string | null = null;

  private constructor(
    readonly origin: string,
    readonly flavor: 'entra' | 'okta',
    readonly tenantId: string,
    private readonly idp: TestIdp,
    private readonly sha1Idp: TestIdp,
    private readonly server: ReturnType<typeof createServer>
  ) {}

  static async start(options: { flavor: 'entra' | 'okta'; tenantId?: string; accounts?: SamlAccount[] }): Promise<SamlIdpServer> {
    let handler: (request: IncomingMessage, response: ServerResponse) => void = () => undefined;
    const server = createServer((request, response) => handler(request, response));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tenantId = options.tenantId ?? '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const entityId = options.flavor === 'entra' ? `https://sts.windows.net/${tenantId}/` : 'http://www.okta.com/exk1test2okta3saml';
    const keyPair = generateTestKeyPair(`Test ${options.flavor} IdP`);
    const idp = new TestIdp({ entityId, keyPair, ssoUrl: `${origin}/sso` });
    const sha1Idp = new TestIdp({ entityId, keyPair, ssoUrl: `${origin}/sso`, signatureAlgorithm: RSA_SHA1 });
    const instance = new SamlIdpServer(origin, options.flavor, tenantId, idp, sha1Idp, server);
    for (const account of options.accounts ?? []) instance.setAccount(account);
    handler = (request, response) => {
      instance.handle(request, response).catch((error: Error) => {
        response.statusCode = 500;
        response.end(`test IdP failed: ${error.message}`);
      });
    };
    return instance;
  }

  get entityId(): string {
    return this.idp.entityId;
  }

  metadataXml(): string {
    return this.idp.metadataXml();
  }

  setAccount(account: SamlAccount) {
    this.accounts.set(account.login, account);
  }

  /** Registers an SP by its metadata (as fetched from Strapi's `/api/sso/{id}/metadata`). */
  registerSp(spMetadataXml: string): string {
    const entityId = samlify.ServiceProvider({ metadata: spMetadataXml }).entityMeta.getEntityID();
    this.sps.set(entityId, spMetadataXml);
    return entityId;
  }

  /** A signed SAMLResponse (base64) for the SP, as this IdP's `next` settings say; consumes `next`. */
  async respond(spEntityId: string, login: string, inResponseTo: string | null): Promise<string> {
    const spMetadataXml = this.sps.get(spEntityId);
    if (!spMetadataXml) throw new Error(`unknown SP ${spEntityId}`);
    const account = this.accounts.get(login);
    if (!account) throw new Error(`unknown account ${login}`);
    const next = this.next;
    this.next = {};
    const signer = next.sha1 ? this.sha1Idp : this.idp;
    let response = await signer.respond(
      spMetadataXml,
      { ...this.subjectOf(account), inResponseTo, ...next.fields },
      { signResponse: next.signResponse === true }
    );
    if (next.unsigned) response = encode(decode(response).replace(/<(ds:)?Signature[\s\S]*?<\/(ds:)?Signature>/g, ''));
    if (next.doctype) {
      response = encode(decode(response).replace(/^(<\?xml[^>]*\?>)?/, (declaration) => `${declaration}<!DOCTYPE r [<!ENTITY x "expanded">]>`));
    }
    return response;
  }

  /** The NameID this IdP puts in an account's assertions (and therefore in its LogoutRequests). */
  nameIdOf(login: string): { nameId: string; nameIdFormat: string } {
    const account = this.accounts.get(login);
    if (!account) throw new Error(`unknown account ${login}`);
    const subject = this.subjectOf(account);
    return { nameId: subject.nameId!, nameIdFormat: subject.nameIdFormat! };
  }

  /** An IdP-initiated LogoutRequest for `login` to the SP (signed unless `sign: false`; fields override the defaults). */
  logoutRequest(spEntityId: string, login: string, options: { binding?: 'redirect' | 'post'; sign?: boolean; fields?: Partial<LogoutRequestFields>; relayState?: string } = {}): SentLogoutMessage & { id: string } {
    const spMetadataXml = this.sps.get(spEntityId);
    if (!spMetadataXml) throw new Error(`unknown SP ${spEntityId}`);
    return this.idp.logoutRequest(spMetadataXml, { ...this.nameIdOf(login), ...options.fields }, {
      ...(options.binding ? { binding: options.binding } : {}),
      ...(options.sign === false ? { sign: false } : {}),
      ...(options.relayState ? { relayState: options.relayState } : {}),
    });
  }

  private subjectOf(account: SamlAccount): Partial<ResponseFields> {
    if (this.flavor === 'okta') {
      return {
        nameId: `00u${account.objectId.replace(/-/g, '').slice(0, 17)}`,
        nameIdFormat: PERSISTENT,
        attributes: {
          email: [account.email],
          firstName: [account.givenName],
          lastName: [account.surname],
          ...(account.groups ? { groups: account.groups } : {}),
        },
      };
    }
    return {
      nameId: account.email,
      nameIdFormat: EMAIL_FORMAT,
      attributes: {
        [ENTRA_CLAIM.tenantId]: [this.tenantId],
        [ENTRA_CLAIM.objectId]: [account.objectId],
        [ENTRA_CLAIM.email]: [account.email],
        [ENTRA_CLAIM.givenName]: [account.givenName],
        [ENTRA_CLAIM.surname]: [account.surname],
        [ENTRA_CLAIM.displayName]: [`${account.givenName} ${account.surname}`],
        ...(account.overage
          ? { [ENTRA_CLAIM.groupsOverage]: [`https://graph.windows.net/${this.tenantId}/users/${account.objectId}/getMemberObjects`] }
          : account.groups
            ? { [ENTRA_CLAIM.groups]: account.groups }
            : {}),
        ...(account.roles ? { [ENTRA_CLAIM.role]: account.roles } : {}),
      },
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', this.origin);
    if (url.pathname === '/metadata') {
      response.setHeader('content-type', 'application/samlmetadata+xml');
      response.end(this.metadataXml());
      return;
    }
    if (url.pathname === '/sso') {
      // Find the SP by reading the request against each registered SP's metadata (the issuer decides).
      let read: { id: string; acsUrl: string; issuer: string } | null = null;
      for (const metadata of this.sps.values()) {
        try {
          read = await this.idp.readAuthnRequest(metadata, url.href);
          if (this.sps.has(read.issuer)) break;
        } catch {
          read = null;
        }
      }
      if (!read || !this.sps.has(read.issuer)) {
        response.statusCode = 400;
        response.end('unknown service provider');
        return;
      }
      this.lastRequestId = read.id;
      const login = url.searchParams.get('login_hint') ?? this.next.login ?? this.defaultLogin;
      const samlResponse = await this.respond(read.issuer, login, read.id);
      const relayState = url.searchParams.get('RelayState');
      this.answerForm(response, read.acsUrl, { SAMLResponse: samlResponse, ...(relayState ? { RelayState: relayState } : {}) });
      return;
    }
    if (url.pathname === '/sso/logout' && url.searchParams.has('SAMLRequest')) {
      let read: { id: string; nameId: string; sessionIndex?: string; issuer: string; signed: boolean } | null = null;
      let spMetadataXml: string | null = null;
      for (const metadata of this.sps.values()) {
        try {
          read = await this.idp.readLogoutRequest(metadata, url.href);
          spMetadataXml = metadata;
          if (this.sps.has(read.issuer)) break;
        } catch {
          read = null;
        }
      }
      if (!read || !spMetadataXml || !this.sps.has(read.issuer)) {
        response.statusCode = 400;
        response.end('unknown service provider');
        return;
      }
      this.logoutRequests.push(read);
      const status = this.nextLogoutStatus;
      this.nextLogoutStatus = null;
      const answer = this.idp.logoutResponse(this.sps.get(read.issuer)!, { inResponseTo: read.id, ...(status ? { statusCode: status } : {}) }, {
        ...(url.searchParams.get('RelayState') ? { relayState: url.searchParams.get('RelayState')! } : {}),
      }) as { url: string };
      response.statusCode = 302;
      response.setHeader('location', answer.url);
      response.end();
      return;
    }
    if (url.pathname === '/idp-initiated') {
      const spEntityId = url.searchParams.get('sp') ?? '';
      const spMetadataXml = this.sps.get(spEntityId);
      if (!spMetadataXml) {
        response.statusCode = 400;
        response.end('unknown service provider');
        return;
      }
      const acsUrl = samlify.ServiceProvider({ metadata: spMetadataXml }).entityMeta.getAssertionConsumerService('post') as string;
      const samlResponse = await this.respond(spEntityId, url.searchParams.get('login') ?? this.defaultLogin, null);
      this.answerForm(response, acsUrl, { SAMLResponse: samlResponse, ...(url.searchParams.get('RelayState') ? { RelayState: url.searchParams.get('RelayState')! } : {}) });
      return;
    }
    response.statusCode = 404;
    response.end();
  }

  private answerForm(response: ServerResponse, action: string, fields: Record<string, string>) {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(
      `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(action)}">` +
        Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('') +
        `<noscript><button type="submit">Continue</button></noscript></form></body></html>`
    );
  }

  async close() {
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

/** The auto-POST form of an HTML page (what a browser would submit). */
export function readAutoPostForm(html: string): AutoPostForm {
  const unescape = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  const action = /<form[^>]*action="([^"]*)"/i.exec(html)?.[1];
  if (!action) throw new Error(`no form in: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescape(match[1]!)] = unescape(match[2]!);
  return { action: unescape(action), fields };
}

export const newObjectId = () => randomUUID();
