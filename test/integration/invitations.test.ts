/**
 * Invitation emails, end to end: SCIM provisions an admin user, Strapi's email plugin (through
 * @strapi/provider-email-nodemailer, configured by the playground from SMTP_HOST/SMTP_PORT) delivers the
 * invitation to a real SMTP server on loopback (`smtp-server`), and the message carries Strapi's
 * registration link with the admin user's registration token. Also: inactive users get nothing, the
 * owner's switch turns it off, the admin API re-sends, and mail being down never fails provisioning.
 */
import type { AddressInfo } from 'node:net';
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient, type ScimClient } from './helpers/http';
import { adminUserByEmail, createSuperAdmin } from './helpers/admin';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SMTPServer } = require('smtp-server');

interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
}

// ---------------------------------------------------------------------------------------------------------
// A minimal MIME reader: enough for what nodemailer writes (folded headers, RFC 2047 words, 7bit /
// quoted-printable / base64 bodies, multipart/alternative).

const decodeQuotedPrintable = (value: string): string =>
  Buffer.from(
    value.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1'
  ).toString('utf8');

const decodeWords = (value: string): string =>
  value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' '))
    );

function splitPart(part: string): { headers: Record<string, string>; body: string } {
  const match = /\r?\n\r?\n/.exec(part);
  const head = match ? part.slice(0, match.index) : part;
  const body = match ? part.slice(match.index + match[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function bodiesOf(part: string): { text: string; html: string } {
  const { headers, body } = splitPart(part);
  const type = (headers['content-type'] ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
    if (!boundary) return { text: '', html: '' };
    const parts = body.split(`--${boundary}`).slice(1).filter((chunk) => !chunk.startsWith('--'));
    return parts.map((chunk) => bodiesOf(chunk.replace(/^\r?\n/, ''))).reduce(
      (all, one) => ({ text: all.text || one.text, html: all.html || one.html }),
      { text: '', html: '' }
    );
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const decoded =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body;
  return type.startsWith('text/html') ? { text: '', html: decoded } : { text: decoded, html: '' };
}

function parseMail(raw: string, to: string[]): Mail {
  const { headers } = splitPart(raw);
  return { to, subject: decodeWords(headers.subject ?? ''), ...bodiesOf(raw), raw };
}

// ---------------------------------------------------------------------------------------------------------

interface SmtpSink {
  port: number;
  messages: Mail[];
  to(address: string): Mail[];
  close(): Promise<void>;
}

async function startSmtp(): Promise<SmtpSink> {
  const messages: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream: NodeJS.ReadableStream, session: { envelope: { rcptTo: { address: string }[] } }, callback: (error?: Error) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase())));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  let closed = false;
  return {
    port,
    messages,
    to: (address) => messages.filter((mail) => mail.to.includes(address.toLowerCase())),
    close: () =>
      closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            closed = true;
            server.close(() => resolve());
          }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Invitations may be sent after the SCIM answer: wait for them (and a moment more, to catch duplicates). */
async function waitForMail(sink: SmtpSink, address: string, count = 1, timeoutMs = 15_000): Promise<Mail[]> {
  const until = Date.now() + timeoutMs;
  while (sink.to(address).length < count) {
    if (Date.now() > until) throw new Error(`expected ${count} email(s) to ${address}, got ${sink.to(address).length}`);
    await sleep(50);
  }
  await sleep(300);
  return sink.to(address);
}

/** Long enough for an invitation that would be sent (loopback SMTP answers in milliseconds). */
const settle = () => sleep(1_500);

const scimUser = (email: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: email,
  name: { givenName: 'Grace', familyName: 'Hopper' },
  emails: [{ primary: true, value: email, type: 'work' }],
  active: true,
  ...extra,
});

const identityOf = (app: TestApp, scimId: string) =>
  app.strapi.db.query('plugin::identity-bridge.identity').findOne({ where: { scimId } });

const invitations = {
  enabled: true,
  appName: 'Acme CMS',
  subject: 'Welcome to {{appName}}, {{firstname}}',
  text: 'Hello {{name}},\n\nyour account {{email}} is ready. Sign in here:\n{{link}}\n',
};

describe('invitations on', () => {
  let app: TestApp;
  let scim: ScimClient;
  let smtp: SmtpSink;
  let ownerToken: string;
  const adminApi = (method: string, path: string, body?: unknown) =>
    request(method, `${app.origin}/identity-bridge${path}`, body, { token: ownerToken, contentType: 'application/json' });
  let graceScimId: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await bootApp({ pluginConfig: { invitations }, env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) } });
    scim = scimClient(app.scimUrl, app.scimToken);
    ownerToken = await createSuperAdmin(app);
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  test('an active user provisioned through SCIM gets one invitation with their registration link', async () => {
    const reply = await scim.post('/Users', scimUser('grace@example.com'));
    expect(reply.status).toBe(201);
    graceScimId = reply.body.id;

    const admin = await adminUserByEmail(app, 'grace@example.com');
    expect(admin.isActive).toBe(true);
    expect(admin.registrationToken).toEqual(expect.any(String));

    const mails = await waitForMail(smtp, 'grace@example.com');
    expect(mails).toHaveLength(1);
    const [mail] = mails as [Mail];
    expect(mail.subject).toBe('Welcome to Acme CMS, Grace');
    const link = `/admin/auth/register?registrationToken=${admin.registrationToken}`;
    expect(mail.text).toContain('Hello Grace Hopper,');
    expect(mail.text).toContain('your account grace@example.com is ready');
    expect(mail.text).toMatch(new RegExp(`https?://[^\\s]+${link.replace(/[?]/g, '\\?')}`));
    expect(mail.html).toContain(`href="`);
    expect(mail.html).toContain(link);
    // Sent by the plugin through Strapi's email plugin, from its configured sender.
    expect(mail.raw).toMatch(/^From: .*no-reply@example\.com/im);
  });

  test('an inactive user gets no invitation', async () => {
    const reply = await scim.post('/Users', scimUser('inactive@example.com', { active: false }));
    expect(reply.status).toBe(201);
    // An active user provisioned after it is invited; by then the inactive one would have been too.
    expect((await scim.post('/Users', scimUser('after-inactive@example.com'))).status).toBe(201);
    await waitForMail(smtp, 'after-inactive@example.com');
    expect(smtp.to('inactive@example.com')).toHaveLength(0);

    const identity = await identityOf(app, reply.body.id);
    const resend = await adminApi('POST', `/identities/${identity.id}/invite`);
    expect(resend.status).toBe(409);
    expect(resend.body.error.details).toMatchObject({ reason: 'inactive' });
    await settle();
    expect(smtp.to('inactive@example.com')).toHaveLength(0);
  });

  test('a create that rolls back after its admin user was made sends nothing', async () => {
    expect((await scim.post('/Users', scimUser('taken@example.com'))).status).toBe(201);
    // Same userName, new email: the admin user for the new email is made (and its invitation queued), then the
    // identity's unique userName refuses the insert and the whole request rolls back.
    const reply = await scim.post('/Users', scimUser('taken@example.com', { emails: [{ primary: true, value: 'rolled-back@example.com', type: 'work' }] }));
    expect(reply.status).toBe(409);
    expect(await app.strapi.db.query('admin::user').findOne({ where: { email: 'rolled-back@example.com' } })).toBeNull();
    expect((await scim.post('/Users', scimUser('after-rollback@example.com'))).status).toBe(201);
    await waitForMail(smtp, 'after-rollback@example.com');
    await settle();
    expect(smtp.to('rolled-back@example.com')).toHaveLength(0);
  });

  test('the admin API re-sends the invitation', async () => {
    const identity = await identityOf(app, graceScimId);
    const reply = await adminApi('POST', `/identities/${identity.id}/invite`);
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ sent: true, via: 'registration' });

    const mails = await waitForMail(smtp, 'grace@example.com', 2);
    expect(mails).toHaveLength(2);
    const admin = await adminUserByEmail(app, 'grace@example.com');
    expect(mails[1]?.subject).toBe('Welcome to Acme CMS, Grace');
    expect(mails[1]?.text).toContain(`/admin/auth/register?registrationToken=${admin.registrationToken}`);
  });

  test('with one enabled SSO connection, invitations carry its sign-in link instead', async () => {
    const created = await adminApi('POST', '/sso/connections', {
      id: 'contoso',
      type: 'oidc',
      name: 'Contoso',
      issuer: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0',
      clientId: 'client-id',
      clientSecret: 'client-secret',
      jit: true,
    });
    expect(created.status).toBe(201);
    try {
      expect((await scim.post('/Users', scimUser('sso-invite@example.com'))).status).toBe(201);
      const [mail] = (await waitForMail(smtp, 'sso-invite@example.com')) as [Mail];
      expect(mail.text).toMatch(/https?:\/\/[^\s]+\/api\/sso\/contoso\/login/);
      expect(mail.text).not.toContain('registrationToken');
      // A disabled connection is no way in: back to the registration link.
      expect((await adminApi('POST', '/sso/connections/contoso/disable')).status).toBe(200);
      expect((await scim.post('/Users', scimUser('after-disable@example.com'))).status).toBe(201);
      const [later] = (await waitForMail(smtp, 'after-disable@example.com')) as [Mail];
      expect(later.text).toContain('/admin/auth/register?registrationToken=');
    } finally {
      await adminApi('DELETE', '/sso/connections/contoso');
    }
  });

  test('re-sending needs a known identity, an authorised caller and someone left to register', async () => {
    expect((await adminApi('POST', '/identities/999999/invite')).status).toBe(404);
    const identity = await identityOf(app, graceScimId);
    const anonymous = await request('POST', `${app.origin}/identity-bridge/identities/${identity.id}/invite`, undefined, { token: null });
    expect(anonymous.status).toBe(401);

    // Once the person has registered, Strapi clears the token: there is nothing to invite them to.
    const reply = await scim.post('/Users', scimUser('registered@example.com'));
    await waitForMail(smtp, 'registered@example.com');
    await app.strapi.db.query('admin::user').update({ where: { email: 'registered@example.com' }, data: { registrationToken: null } });
    const registered = await identityOf(app, reply.body.id);
    const resend = await adminApi('POST', `/identities/${registered.id}/invite`);
    expect(resend.status).toBe(409);
    expect(resend.body.error.details).toMatchObject({ reason: 'no-link' });
    await settle();
    expect(smtp.to('registered@example.com')).toHaveLength(1);
  });

  test('with the SMTP server down, provisioning still succeeds and re-send says mail failed', async () => {
    await smtp.close();
    const started = Date.now();
    const reply = await scim.post('/Users', scimUser('mail-down@example.com'));
    expect(reply.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(10_000);
    const admin = await adminUserByEmail(app, 'mail-down@example.com');
    expect(admin).toMatchObject({ isActive: true });

    const identity = await identityOf(app, reply.body.id);
    const resend = await adminApi('POST', `/identities/${identity.id}/invite`);
    expect(resend.status).toBe(502);
    expect(resend.body.error.details).toMatchObject({ reason: 'send-failed' });

    // And the app keeps serving SCIM afterwards.
    expect((await scim.get(`/Users/${reply.body.id}`)).status).toBe(200);
  });
});

describe('invitations off', () => {
  let app: TestApp;
  let smtp: SmtpSink;
  let ownerToken: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await bootApp({
      pluginConfig: { invitations: { ...invitations, enabled: false } },
      env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) },
    });
    ownerToken = await createSuperAdmin(app);
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  test('provisioning an active user sends nothing, and the admin API will not re-send', async () => {
    const scim = scimClient(app.scimUrl, app.scimToken);
    const reply = await scim.post('/Users', scimUser('quiet@example.com'));
    expect(reply.status).toBe(201);
    await settle();
    expect(smtp.messages).toHaveLength(0);

    const identity = await identityOf(app, reply.body.id);
    const resend = await request('POST', `${app.origin}/identity-bridge/identities/${identity.id}/invite`, undefined, { token: ownerToken });
    expect(resend.status).toBe(409);
    expect(resend.body.error.details).toMatchObject({ reason: 'disabled' });
    await settle();
    expect(smtp.messages).toHaveLength(0);
  });
});
