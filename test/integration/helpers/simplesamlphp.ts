/**
 * A second, independent, real SAML 2.0 identity provider for the SSO tests: Debian's simplesamlphp 1.19
 * (`apt-get install simplesamlphp php-cli php-xml`), served by PHP's built-in web server on 127.0.0.1 with
 * /usr/share/simplesamlphp/www as document root and a private configuration directory per run
 * (SIMPLESAMLPHP_CONFIG_DIR, copied from ./simplesamlphp/ plus a settings.json this helper writes).
 *
 * The IdP: entity ID `<origin>/saml2/idp/metadata.php`, HTTP-Redirect SSO at `/saml2/idp/SSOService.php`,
 * an `exampleauth:UserPass` login form for the given users, assertions signed with RSA-SHA256 by a key pair
 * generated per run, NameID persistent (from the `uid` attribute) or emailAddress (from `mail`), attributes
 * with the basic NameFormat. `close()` stops php and removes the temporary directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestKeyPair } from '../../unit/sso/saml/helpers/certificates';
import type { TestBrowser } from './oidc-browser';

export const SIMPLESAMLPHP_ROOT = '/usr/share/simplesamlphp';
const TEMPLATE_DIR = join(__dirname, 'simplesamlphp');

const NAMEID_FORMATS = {
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
} as const;

export interface SimpleSamlPhpUser {
  username: string;
  password: string;
  /** Attribute name → value(s), sent as-is (basic NameFormat), e.g. uid, mail, givenName, sn, groups. */
  attributes: Record<string, string | string[]>;
}

export interface StartSimpleSamlPhpOptions {
  /** The plugin's SP entity ID, registered in saml20-sp-remote. */
  spEntityId: string;
  /** The plugin's ACS URL (HTTP-POST binding). */
  acsUrl: string;
  users: SimpleSamlPhpUser[];
  /** Further service providers registered beside the first one. */
  moreServiceProviders?: { entityId: string; acsUrl: string }[];
  /** Default persistent (NameID = the `uid` attribute); emailAddress takes `mail`. */
  nameIdFormat?: keyof typeof NAMEID_FORMATS;
  /** The user attribute the NameID is taken from (default: uid for persistent, mail for emailAddress). */
  nameIdAttribute?: string;
  /** Also sign the Response element (the Assertion is always signed). Default false. */
  signResponse?: boolean;
}

export interface SimpleSamlPhpIdp {
  /** http://127.0.0.1:<port> */
  origin: string;
  entityId: string;
  metadataUrl: string;
  /** HTTP-Redirect SingleSignOnService. */
  ssoUrl: string;
  /** The IdP signing certificate (PEM), generated for this run. */
  certificatePem: string;
  /** The metadata XML as the IdP served it at start-up. */
  metadataXml(): string;
  /** simplesamlphp's own log (file handler, INFO), for diagnostics. */
  log(): string;
  close(): Promise<void>;
}

let availability: string | null | undefined;

/**
 * Why simplesamlphp cannot run here, or null when it can: needs `php` on PATH with the dom and openssl
 * extensions (Debian: php-cli and php-xml) and /usr/share/simplesamlphp (Debian: simplesamlphp).
 */
export function simpleSamlPhpMissing(): string | null {
  if (availability !== undefined) return availability;
  availability = null;
  if (!existsSync(join(SIMPLESAMLPHP_ROOT, 'www/saml2/idp/SSOService.php'))) {
    availability = `${SIMPLESAMLPHP_ROOT} is missing (apt-get install simplesamlphp)`;
  } else {
    const probe = spawnSync('php', ['-r', 'foreach (["dom", "openssl", "session"] as $e) if (!extension_loaded($e)) { echo $e, " "; } echo PHP_VERSION;'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (probe.error || probe.status !== 0) availability = 'php is not installed (apt-get install php-cli)';
    else if (/\b(dom|openssl|session)\b/.test(probe.stdout)) {
      availability = `php lacks the extensions ${probe.stdout.replace(/\S+$/, '').trim()} (apt-get install php-xml for dom)`;
    }
  }
  return availability;
}

export function simpleSamlPhpAvailable(): boolean {
  return simpleSamlPhpMissing() === null;
}

// Every php started here is killed when the test process exits, even if a test forgot close().
const running = new Set<{ child: ChildProcess; dir: string }>();
process.once('exit', () => {
  for (const entry of running) {
    entry.child.kill('SIGKILL');
    rmSync(entry.dir, { recursive: true, force: true });
  }
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

export async function startSimpleSamlPhp(options: StartSimpleSamlPhpOptions): Promise<SimpleSamlPhpIdp> {
  const missing = simpleSamlPhpMissing();
  if (missing) throw new Error(`simplesamlphp cannot run: ${missing}`);

  const dir = mkdtempSync(join(tmpdir(), 'ib-simplesamlphp-'));
  const configDir = join(dir, 'config');
  cpSync(TEMPLATE_DIR, configDir, { recursive: true });
  for (const sub of ['cert', 'tmp', 'log', 'sessions', 'data']) mkdirSync(join(dir, sub), { recursive: true });

  const keyPair = generateTestKeyPair('simplesamlphp test IdP');
  writeFileSync(join(dir, 'cert/idp.key'), keyPair.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'cert/idp.crt'), `${keyPair.certificatePem}\n`);

  const nameIdFormat = options.nameIdFormat ?? 'persistent';
  const users = options.users.map((user) => ({
    username: user.username,
    password: user.password,
    attributes: Object.fromEntries(Object.entries(user.attributes).map(([name, value]) => [name, asList(value)])),
  }));

  let lastError: Error | undefined;
  // A free port can be taken between the probe and php's bind: try again on a new one.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const entityId = `${origin}/saml2/idp/metadata.php`;
    const settings = {
      baseUrl: `${origin}/`,
      secretSalt: randomBytes(24).toString('hex'),
      adminPassword: randomBytes(24).toString('hex'),
      dir,
      entityId,
      signResponse: options.signResponse === true,
      nameIdFormat: NAMEID_FORMATS[nameIdFormat],
      nameIdAttribute: options.nameIdAttribute ?? (nameIdFormat === 'persistent' ? 'uid' : 'mail'),
      users,
      serviceProviders: [{ entityId: options.spEntityId, acsUrl: options.acsUrl }, ...(options.moreServiceProviders ?? [])],
    };
    writeFileSync(join(configDir, 'settings.json'), JSON.stringify(settings, null, 2));

    const child = spawn(
      'php',
      [
        '-d', 'display_errors=stderr',
        '-d', 'log_errors=0',
        '-d', `session.save_path=${join(dir, 'sessions')}`,
        '-d', 'session.gc_probability=0',
        '-S', `127.0.0.1:${port}`,
        '-t', join(SIMPLESAMLPHP_ROOT, 'www'),
      ],
      { cwd: dir, env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: configDir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const entry = { child, dir };
    running.add(entry);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const metadata = await waitForMetadata(`${origin}/saml2/idp/metadata.php`, exited, 15_000);
    if (typeof metadata !== 'string') {
      running.delete(entry);
      child.kill('SIGKILL');
      lastError = new Error(`simplesamlphp did not start on ${origin} (${metadata.reason}):\n${output}`);
      if (metadata.reason === 'exited') continue; // most likely the port was taken
      break;
    }

    let closed = false;
    const idp: SimpleSamlPhpIdp = {
      origin,
      entityId,
      metadataUrl: `${origin}/saml2/idp/metadata.php`,
      ssoUrl: `${origin}/saml2/idp/SSOService.php`,
      certificatePem: keyPair.certificatePem,
      metadataXml: () => metadata,
      log: () => {
        const logDir = join(dir, 'log');
        const files = existsSync(logDir) ? readdirSync(logDir) : [];
        return [...files.map((file) => readFileSync(join(logDir, file), 'utf8')), output].join('\n');
      },
      async close() {
        if (closed) return;
        closed = true;
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000).unref())]);
          if (!stopped) {
            child.kill('SIGKILL');
            await exited;
          }
        }
        running.delete(entry);
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return idp;
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError ?? new Error('simplesamlphp did not start');
}

async function waitForMetadata(url: string, exited: Promise<number | null>, timeoutMs: number): Promise<string | { reason: string }> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'timeout';
  while (Date.now() < deadline) {
    if (hasExited) return { reason: 'exited' };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const text = await response.text();
      if (response.status === 200 && text.includes('EntityDescriptor')) return text;
      lastProblem = `metadata answered ${response.status}: ${text.slice(0, 500)}`;
      if (response.status >= 400) return { reason: lastProblem };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { reason: lastProblem };
}

// ---- Driving the IdP like a browser -------------------------------------------------------------------

export interface HtmlForm {
  /** Absolute action URL (resolved against the page URL). */
  action: string;
  method: string;
  /** Named input fields with their (entity-decoded) values; for the login form: hidden ones plus empty text/password. */
  fields: Record<string, string>;
}

const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower === 'amp') return '&';
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return whole;
  });

const attributesOf = (tag: string): Record<string, string> => {
  const attributes: Record<string, string> = {};
  for (const match of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    attributes[match[1]!.toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
};

/** Reads the first form on an HTML page (simplesamlphp's pages carry one form each), or null. */
export function readHtmlForm(html: string, pageUrl: string): HtmlForm | null {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return null;
  const formAttributes = attributesOf(form[1]!);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const attributes = attributesOf(input[1]!);
    const type = (attributes.type ?? 'text').toLowerCase();
    if (!attributes.name || type === 'submit' || type === 'checkbox' || type === 'button') continue;
    fields[attributes.name] = attributes.value ?? '';
  }
  return {
    action: new URL(formAttributes.action ?? '', pageUrl).href,
    method: (formAttributes.method ?? 'get').toUpperCase(),
    fields,
  };
}

export type SimpleSamlPhpSignIn =
  | {
      outcome: 'response';
      /** Where the auto-submitting form posts: the SP's ACS URL. */
      acsUrl: string;
      SAMLResponse: string;
      RelayState?: string;
      /** The decoded Response XML, for assertions on what the IdP sent. */
      responseXml: string;
    }
  | { outcome: 'login-refused'; html: string; url: string }
  | { outcome: 'error'; status: number; html: string; url: string };

/**
 * From a sign-in URL that leads to simplesamlphp (the SP's HTTP-Redirect AuthnRequest URL, or the plugin's
 * sign-in URL that redirects there): follow redirects with cookies, post the username/password form (once)
 * and return the auto-POST form aimed at the ACS, without posting it. A wrong password gives 'login-refused'.
 */
export async function signInAtSimpleSamlPhp(
  browser: TestBrowser,
  startUrl: string,
  credentials: { username: string; password: string },
  options: { idpOrigin?: string } = {},
): Promise<SimpleSamlPhpSignIn> {
  let page = await browser.navigate(startUrl);
  if (options.idpOrigin && new URL(page.url).origin !== options.idpOrigin) {
    return { outcome: 'error', status: page.status, html: page.text, url: page.url };
  }
  let form = readHtmlForm(page.text, page.url);
  if (form && 'password' in form.fields && 'AuthState' in form.fields) {
    const body = new URLSearchParams({ ...form.fields, username: credentials.username, password: credentials.password }).toString();
    const { response } = await browser.fetch(form.action, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const location = response.headers.get('location');
    if (location && response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      page = await browser.navigate(new URL(location, form.action).href);
    } else {
      page = { hops: [], final: response, status: response.status, url: form.action, text: await response.text() };
    }
    form = readHtmlForm(page.text, page.url);
  }
  if (form && form.method === 'POST' && typeof form.fields.SAMLResponse === 'string') {
    return {
      outcome: 'response',
      acsUrl: form.action,
      SAMLResponse: form.fields.SAMLResponse,
      ...(form.fields.RelayState !== undefined ? { RelayState: form.fields.RelayState } : {}),
      responseXml: Buffer.from(form.fields.SAMLResponse, 'base64').toString('utf8'),
    };
  }
  if (form && 'password' in form.fields && 'AuthState' in form.fields) return { outcome: 'login-refused', html: page.text, url: page.url };
  return { outcome: 'error', status: page.status, html: page.text, url: page.url };
}
