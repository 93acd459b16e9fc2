import { createInvitationSender, type InvitationMessage, type InvitedUser } from '../../../server/src/lifecycle/invitations';

const user: InvitedUser = { id: 7, email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace', registrationToken: 'tok123', isActive: true };
const config = { enabled: true, subject: 'Welcome {{firstname}}', text: 'Go: {{link}}' };

function setUp(overrides: Partial<Parameters<typeof createInvitationSender>[0]> = {}) {
  const sent: InvitationMessage[] = [];
  const warnings: string[] = [];
  const sender = createInvitationSender({
    sendEmail: async (message) => {
      sent.push(message);
    },
    adminUrl: () => 'https://cms.example.com/admin',
    config,
    log: { warn: (message) => warnings.push(message) },
    ...overrides,
  });
  return { sender, sent, warnings };
}

describe('sendInvitation', () => {
  test('sends the rendered template with the registration link to the user', async () => {
    const { sender, sent } = setUp();
    await expect(sender.sendInvitation(user)).resolves.toEqual({ sent: true, via: 'registration' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      to: 'ada@example.com',
      subject: 'Welcome Ada',
      text: 'Go: https://cms.example.com/admin/auth/register?registrationToken=tok123',
    });
    expect(sent[0]?.html).toContain('href="https://cms.example.com/admin/auth/register?registrationToken=tok123"');
  });

  test('disabled: nothing sent, nothing looked up', async () => {
    const ssoLoginUrl = jest.fn();
    const { sender, sent } = setUp({ config: { ...config, enabled: false }, ssoLoginUrl });
    await expect(sender.sendInvitation(user)).resolves.toEqual({ sent: false, reason: 'disabled' });
    expect(sent).toHaveLength(0);
    expect(ssoLoginUrl).not.toHaveBeenCalled();
  });

  test('no registration token and no SSO link (already registered): skipped', async () => {
    const { sender, sent } = setUp({ ssoLoginUrl: () => undefined });
    await expect(sender.sendInvitation({ ...user, registrationToken: null })).resolves.toEqual({ sent: false, reason: 'no-link' });
    expect(sent).toHaveLength(0);
  });

  test('an SSO link is used when the hook gives one, even without a token', async () => {
    const ssoLoginUrl = jest.fn(async () => 'https://cms.example.com/api/identity-bridge/sso/entra/login');
    const { sender, sent } = setUp({ ssoLoginUrl });
    await expect(sender.sendInvitation({ ...user, registrationToken: null })).resolves.toEqual({ sent: true, via: 'sso' });
    expect(ssoLoginUrl).toHaveBeenCalledWith(expect.objectContaining({ id: 7 }));
    expect(sent[0]?.text).toBe('Go: https://cms.example.com/api/identity-bridge/sso/entra/login');
  });

  test('an inactive admin user is never invited (registering would activate them)', async () => {
    const { sender, sent } = setUp();
    await expect(sender.sendInvitation({ ...user, isActive: false })).resolves.toEqual({ sent: false, reason: 'inactive' });
    expect(sent).toHaveLength(0);
  });

  test('SMTP failure is swallowed: resolves with a reason, logs a warning without the token', async () => {
    const { sender, warnings } = setUp({ sendEmail: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:2525')) });
    await expect(sender.sendInvitation(user)).resolves.toEqual({ sent: false, reason: 'send-failed', error: 'connect ECONNREFUSED 127.0.0.1:2525' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ada@example.com');
    expect(warnings[0]).not.toContain('tok123');
  });

  test('a synchronous throw from sendEmail is swallowed too', async () => {
    const { sender } = setUp({
      sendEmail: () => {
        throw new Error('provider not loaded');
      },
    });
    await expect(sender.sendInvitation(user)).resolves.toMatchObject({ sent: false, reason: 'send-failed' });
  });

  test('a send that hangs is given up after the timeout', async () => {
    const { sender, warnings } = setUp({ sendEmail: () => new Promise<void>(() => undefined), timeoutMs: 20 });
    await expect(sender.sendInvitation(user)).resolves.toMatchObject({ sent: false, reason: 'send-failed' });
    expect(warnings[0]).toContain('within 20 ms');
  });

  test('an SSO look-up that throws: not sent (no silent fallback to a password registration)', async () => {
    const { sender, sent } = setUp({
      ssoLoginUrl: () => {
        throw new Error('connection store unavailable');
      },
    });
    await expect(sender.sendInvitation(user)).resolves.toMatchObject({ sent: false, reason: 'link-failed' });
    expect(sent).toHaveLength(0);
  });

  test('defaults apply when the config has no template', async () => {
    const { sender, sent } = setUp({ config: { enabled: true, appName: 'Acme' } });
    await sender.sendInvitation(user);
    expect(sent[0]?.subject).toBe('You have been invited to Acme');
    expect(sent[0]?.text).toContain('registrationToken=tok123');
  });
});
