import {
  DEFAULT_INVITATION_TEMPLATE,
  escapeHtml,
  invitationLink,
  renderInvitation,
  ssoInvitationUrl,
  unknownPlaceholders,
} from '../../../server/src/lifecycle/invitation';
import { invitationsConfig } from '../../../server/src/lifecycle/config';

const values = { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', link: 'https://cms.example.com/admin/auth/register?registrationToken=abc&x=1', appName: 'Acme CMS' };

describe('renderInvitation', () => {
  test('fills every placeholder, with or without spaces inside the braces', () => {
    const rendered = renderInvitation(
      { subject: 'Welcome to {{appName}}, {{ firstname }}', text: '{{name}} <{{email}}> / {{lastname}}: {{link}}' },
      values
    );
    expect(rendered.subject).toBe('Welcome to Acme CMS, Ada');
    expect(rendered.text).toBe(`Ada Lovelace <ada@example.com> / Lovelace: ${values.link}`);
  });

  test('text is not escaped; unknown placeholders are left as they are', () => {
    const rendered = renderInvitation({ subject: 's', text: '{{firstname}} {{unknown}}' }, { ...values, firstname: 'A<b>&"' });
    expect(rendered.text).toBe('A<b>&" {{unknown}}');
  });

  test('html templates get every value escaped', () => {
    const rendered = renderInvitation(
      { subject: 's', text: 't', html: '<p>Hi {{firstname}} {{lastname}}</p><a href="{{link}}">go</a>' },
      { ...values, firstname: '<script>alert(1)</script>', lastname: `O'Brien "x" & co` }
    );
    expect(rendered.html).toBe(
      '<p>Hi &lt;script&gt;alert(1)&lt;/script&gt; O&#39;Brien &quot;x&quot; &amp; co</p>' +
        '<a href="https://cms.example.com/admin/auth/register?registrationToken=abc&amp;x=1">go</a>'
    );
    expect(rendered.html).not.toContain('<script>');
  });

  test('without an html template, html comes from the text: escaped, line breaks kept, link clickable', () => {
    const rendered = renderInvitation({ subject: 's', text: 'Hi {{firstname}}\n{{link}}' }, { ...values, firstname: '<b>' });
    expect(rendered.html).toContain('Hi &lt;b&gt;<br>');
    expect(rendered.html).toContain('<a href="https://cms.example.com/admin/auth/register?registrationToken=abc&amp;x=1">');
    expect(rendered.html).not.toContain('<b>');
  });

  test('missing names: empty firstname/lastname, {{name}} falls back to the email', () => {
    const rendered = renderInvitation({ subject: 'Hi {{firstname}}', text: '[{{firstname}}][{{lastname}}] {{name}}' }, { ...values, firstname: null, lastname: undefined });
    expect(rendered.text).toBe('[][] ada@example.com');
    expect(rendered.subject).toBe('Hi');
    expect(renderInvitation({ subject: 's', text: '{{name}}' }, { ...values, lastname: '  ' }).text).toBe('Ada');
  });

  test('a value with line breaks cannot split the subject header', () => {
    const rendered = renderInvitation({ subject: 'Hi {{firstname}}!', text: 't' }, { ...values, firstname: 'Ada\r\nBcc: evil@example.com' });
    expect(rendered.subject).toBe('Hi Ada Bcc: evil@example.com!');
    expect(rendered.subject).not.toMatch(/[\r\n]/);
  });

  test('the default template uses only known placeholders and carries the link', () => {
    expect(unknownPlaceholders(DEFAULT_INVITATION_TEMPLATE.subject)).toEqual([]);
    expect(unknownPlaceholders(DEFAULT_INVITATION_TEMPLATE.text)).toEqual([]);
    const rendered = renderInvitation(DEFAULT_INVITATION_TEMPLATE, values);
    expect(rendered.subject).toBe('You have been invited to Acme CMS');
    expect(rendered.text).toContain(values.link);
    expect(rendered.text).toContain('Hello Ada Lovelace,');
  });

  test('escapeHtml', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('invitationLink', () => {
  test("Strapi's registration link, token encoded, trailing slash of the admin URL ignored", () => {
    expect(invitationLink({ adminUrl: 'https://cms.example.com/admin/', registrationToken: 'a+b/c' })).toEqual({
      url: 'https://cms.example.com/admin/auth/register?registrationToken=a%2Bb%2Fc',
      via: 'registration',
    });
  });

  test('an SSO link wins over registration', () => {
    expect(invitationLink({ adminUrl: 'https://x/admin', registrationToken: 't', ssoUrl: 'https://x/sso/login' })).toEqual({ url: 'https://x/sso/login', via: 'sso' });
    expect(invitationLink({ adminUrl: 'https://x/admin', registrationToken: null, ssoUrl: 'https://x/sso/login' })).toEqual({ url: 'https://x/sso/login', via: 'sso' });
  });

  test('no token and no SSO link: no link', () => {
    expect(invitationLink({ adminUrl: 'https://x/admin', registrationToken: null })).toBeUndefined();
    expect(invitationLink({ adminUrl: 'https://x/admin', registrationToken: '', ssoUrl: undefined })).toBeUndefined();
  });
});

describe('invitationsConfig', () => {
  test('defaults: off, default template, appName Strapi', () => {
    expect(invitationsConfig.parse({})).toEqual({ enabled: false, ...DEFAULT_INVITATION_TEMPLATE, appName: 'Strapi' });
  });

  test('an unknown placeholder or key is refused with a message naming it', () => {
    const result = invitationsConfig.safeParse({ enabled: true, subject: 'Hi {{firstName}}' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['subject'] });
    expect(result.error?.issues[0]?.message).toContain('{{firstName}}');
    expect(invitationsConfig.safeParse({ enabled: true, subjet: 'x' }).success).toBe(false);
    expect(invitationsConfig.safeParse({ html: '<p>{{nope}}</p>' }).success).toBe(false);
  });
});

describe('ssoInvitationUrl', () => {
  test('the only enabled connection, or the chosen one when enabled', () => {
    expect(ssoInvitationUrl({ publicUrl: 'https://cms.example.com/', enabledConnections: ['entra'] })).toBe('https://cms.example.com/api/sso/entra/login');
    expect(ssoInvitationUrl({ publicUrl: 'https://cms.example.com', enabledConnections: ['entra', 'okta'], preferred: 'okta' })).toBe('https://cms.example.com/api/sso/okta/login');
  });
  test('none when there is no connection, the choice is disabled, several exist without a choice, or no public URL', () => {
    expect(ssoInvitationUrl({ publicUrl: 'https://cms.example.com', enabledConnections: [] })).toBeUndefined();
    expect(ssoInvitationUrl({ publicUrl: 'https://cms.example.com', enabledConnections: ['entra'], preferred: 'okta' })).toBeUndefined();
    expect(ssoInvitationUrl({ publicUrl: 'https://cms.example.com', enabledConnections: ['entra', 'okta'] })).toBeUndefined();
    expect(ssoInvitationUrl({ publicUrl: '', enabledConnections: ['entra'] })).toBeUndefined();
  });
});
