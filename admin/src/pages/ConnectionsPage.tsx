/**
 * Settings → Identity bridge → Connections (SSO): the OIDC and SAML connections with their fixed URLs, add / edit /
 * enable / disable / delete (config-declared ones read-only), "Test sign-in", and the login method policy.
 */
import * as React from 'react';
import {
  Badge,
  Box,
  Button,
  Checkbox,
  Field,
  Flex,
  LinkButton,
  Modal,
  Radio,
  Textarea,
  Typography,
} from '@strapi/design-system';
import { Download, ExternalLink, Pencil, Plus, Trash, Upload } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { PLUGIN_ID } from '../pluginId';
import {
  apiErrorMessage,
  apiErrorStatus,
  connectionFormProblems,
  connectionPayload,
  connectionUrls,
  defaultSpEntityId,
  emptyConnectionForm,
  fieldErrors,
  formOfConnection,
  loginPolicyPayload,
  suggestConnectionId,
  type ConnectionForm,
  type ConnectionType,
  type ConnectionView,
} from '../utils/model';
import { settingsPage, SettingsLayout, type SettingsRights } from '../components/settings-page';
import { OptionalNameSelect } from '../components/form-parts';
import { ConfirmAction, CopyField, LoadState, Notice, Section, ToneBadge, useLoad, useNotifiedCall, useT, type MessageKey } from '../components/ui';

const API = `/${PLUGIN_ID}`;
const MAX_METADATA_BYTES = 1024 * 1024;

interface LoginPolicy {
  ssoOnlyUsers: string[];
  ssoOnlyRoles: string[];
  readOnly: boolean;
}

export default settingsPage(Connections);

function Connections(rights: SettingsRights) {
  const t = useT();
  const { get, post, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const notifiedCall = useNotifiedCall();
  const { canUpdate } = rights;

  const settings = useLoad(async () => (await get<{ data: { origin: string } }>(`${API}/settings`)).data.data, []);
  const connections = useLoad(async () => (await get<{ data: ConnectionView[] }>(`${API}/sso/connections`)).data.data, []);
  const directories = useLoad(async () => (await get<{ data: Array<{ id: number; name: string }> }>(`${API}/directories`)).data.data, []);

  const [editing, setEditing] = React.useState<{ type: ConnectionType; existing?: ConnectionView } | null>(null);
  const [deleting, setDeleting] = React.useState<ConnectionView | null>(null);
  const origin = settings.data?.origin ?? window.location.origin;

  async function setEnabled(connection: ConnectionView, enabled: boolean) {
    await notifiedCall(
      () => post(`${API}/sso/connections/${encodeURIComponent(connection.id)}/${enabled ? 'enable' : 'disable'}`, {}),
      t(enabled ? 'connections.enabledNotice' : 'connections.disabledNotice', { name: connection.name })
    );
    connections.reload();
  }

  async function remove(connection: ConnectionView) {
    await notifiedCall(() => del(`${API}/sso/connections/${encodeURIComponent(connection.id)}`), t('connections.deleted', { name: connection.name }));
    setDeleting(null);
    connections.reload();
  }

  return (
    <SettingsLayout
        title={t('connections.title')}
        subtitle={t('connections.subtitle')}
        rights={rights}
        primaryAction={
          canUpdate ? (
            <Flex gap={2}>
              <Button startIcon={<Plus />} variant="secondary" onClick={() => setEditing({ type: 'saml' })}>
                {t('connections.addSaml')}
              </Button>
              <Button startIcon={<Plus />} onClick={() => setEditing({ type: 'oidc' })}>
                {t('connections.addOidc')}
              </Button>
            </Flex>
          ) : undefined
        }
    >
          <Section title={t('connections.listLabel')} id="ib-connections">
            <LoadState loading={connections.loading || settings.loading} error={connections.error ?? settings.error} what={t('connections.what')} onRetry={() => {
              connections.reload();
              settings.reload();
            }} />
            {connections.data && !settings.loading && connections.data.length === 0 && <Typography textColor="neutral600">{t('connections.empty')}</Typography>}
            {!settings.loading &&
              connections.data?.map((connection) => (
                <ConnectionCard
                  key={connection.id}
                  connection={connection}
                  origin={origin}
                  canUpdate={canUpdate}
                  onEdit={() => setEditing({ type: connection.type, existing: connection })}
                  onToggle={() => void setEnabled(connection, !connection.enabled)}
                  onDelete={() => setDeleting(connection)}
                />
              ))}
          </Section>
          <LoginPolicySection canUpdate={canUpdate} />

      {editing && (
        <ConnectionModal
          type={editing.type}
          {...(editing.existing ? { existing: editing.existing } : {})}
          origin={origin}
          directories={(directories.data ?? []).map((directory) => directory.name)}
          directoriesLoad={<LoadState loading={false} error={directories.error} what={t('form.directoriesWhat')} onRetry={directories.reload} />}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            toggleNotification({ type: 'success', message: t('connections.saved', { name: saved.name }) });
            connections.reload();
          }}
        />
      )}
      <ConfirmAction
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('connections.deleteTitle')}
        body={t('connections.deleteBody', { name: deleting?.name ?? '' })}
        confirmLabel={t('connections.delete')}
        onConfirm={() => deleting && void remove(deleting)}
      />
    </SettingsLayout>
  );
}

function ConnectionCard({
  connection,
  origin,
  canUpdate,
  onEdit,
  onToggle,
  onDelete,
}: {
  connection: ConnectionView;
  origin: string;
  canUpdate: boolean;
  onEdit: () => void;
  onToggle: () => void;
  onDelete: () => void;
}) {
  const t = useT();
  const headingId = `ib-connection-${connection.id}`;
  const urls = connectionUrls(origin, connection);
  const loginUrl = urls[0]?.url ?? '';
  const mayChange = canUpdate && !connection.readOnly;
  return (
    <Box tag="article" aria-labelledby={headingId} padding={5} hasRadius borderColor="neutral200" data-testid={`connection-${connection.id}`}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={4} wrap="wrap">
          <Flex direction="column" alignItems="flex-start" gap={2}>
            <Flex gap={2} alignItems="baseline" wrap="wrap">
              <Typography variant="delta" tag="h3" id={headingId}>
                {connection.name}
              </Typography>
              <Typography variant="pi" textColor="neutral600" style={{ fontFamily: 'monospace' }}>
                {connection.id}
              </Typography>
            </Flex>
            <Flex gap={2} wrap="wrap">
              <Badge>{connection.type.toUpperCase()}</Badge>
              {connection.enabled ? (
                <ToneBadge tone="success">
                  {t('connections.enabled')}
                </ToneBadge>
              ) : (
                <ToneBadge tone="neutral">
                  {t('connections.disabled')}
                </ToneBadge>
              )}
              <Badge>{t('connections.jit', { value: t(connection.jit ? 'common.yes' : 'common.no') })}</Badge>
              <Badge>{t(connection.source === 'config' ? 'connections.source.config' : 'connections.source.database')}</Badge>
              {connection.readOnly && (
                <ToneBadge tone="warning">
                  {t('connections.readOnly')}
                </ToneBadge>
              )}
            </Flex>
          </Flex>
          <Flex gap={2} wrap="wrap">
            <LinkButton
              href={loginUrl}
              target="_blank"
              rel="noopener noreferrer"
              variant="tertiary"
              startIcon={<ExternalLink />}
              aria-label={t('connections.testSignInLabel', { name: connection.name })}
              disabled={!connection.enabled}
            >
              {t('connections.testSignIn')}
            </LinkButton>
            {mayChange && (
              <>
                <Button variant="secondary" onClick={onToggle} aria-label={t(connection.enabled ? 'connections.disableLabel' : 'connections.enableLabel', { name: connection.name })}>
                  {t(connection.enabled ? 'connections.disable' : 'connections.enable')}
                </Button>
                <Button variant="secondary" startIcon={<Pencil />} onClick={onEdit} aria-label={t('connections.editLabel', { name: connection.name })}>
                  {t('connections.edit')}
                </Button>
                <Button variant="danger-light" startIcon={<Trash />} onClick={onDelete} aria-label={t('connections.deleteLabel', { name: connection.name })}>
                  {t('connections.delete')}
                </Button>
              </>
            )}
          </Flex>
        </Flex>
        {connection.readOnly && <Typography textColor="neutral600">{t('connections.readOnlyNote')}</Typography>}
        <Flex direction="column" alignItems="flex-start" gap={1}>
          {(connection.type === 'oidc'
            ? [
                `${t('form.issuer')}: ${connection.issuer ?? ''}`,
                ...(connection.allowedTenants?.length ? [`${t('form.allowedTenants')}: ${connection.allowedTenants.join(', ')}`] : []),
                `${t('form.clientId')}: ${connection.clientId ?? ''}`,
                t(connection.clientSecretSet ? 'connections.secretSet' : 'connections.secretMissing'),
              ]
            : [`${t('form.spEntityId')}: ${connection.spEntityId ?? ''}`, connection.idpMetadataUrl ? t('connections.metadataUrl', { url: connection.idpMetadataUrl }) : t('connections.metadataXml')]
          ).map((line) => (
            <Typography key={line} variant="pi" textColor="neutral600" style={{ wordBreak: 'break-all' }}>
              {line}
            </Typography>
          ))}
        </Flex>
        <Flex direction="column" alignItems="stretch" gap={3}>
          {urls.map((entry) => (
            <Flex key={entry.key} gap={2} alignItems="flex-end">
              <Box flex="1">
                <CopyField
                  name={`${connection.id}-${entry.key}`}
                  label={t(`connections.url.${entry.key}` as MessageKey)}
                  value={entry.url}
                  copyLabel={t('connections.copyUrlLabel', { url: t(`connections.url.${entry.key}` as MessageKey), name: connection.name })}
                />
              </Box>
              {entry.key === 'spMetadata' && (
                <Box paddingBottom={6}>
                  <LinkButton
                    href={`${entry.url}?download`}
                    variant="tertiary"
                    startIcon={<Download />}
                    download
                    aria-label={t('connections.downloadMetadataLabel', { name: connection.name })}
                  >
                    {t('connections.downloadMetadata')}
                  </LinkButton>
                </Box>
              )}
            </Flex>
          ))}
        </Flex>
      </Flex>
    </Box>
  );
}

/** The add / edit form of one connection; the server's validation messages land next to the fields they name. */
function ConnectionModal({
  type,
  existing,
  origin,
  directories,
  directoriesLoad,
  onClose,
  onSaved,
}: {
  type: ConnectionType;
  existing?: ConnectionView;
  origin: string;
  directories: string[];
  /** Says so (with Retry) when the directory list could not be read, rather than offering an empty list. */
  directoriesLoad: React.ReactNode;
  onClose: () => void;
  onSaved: (saved: ConnectionView) => void;
}) {
  const t = useT();
  const { post, put } = useFetchClient();
  const editing = Boolean(existing);
  const [form, setForm] = React.useState<ConnectionForm>(() => (existing ? formOfConnection(existing) : emptyConnectionForm(type)));
  const [idEdited, setIdEdited] = React.useState(editing);
  const [submitted, setSubmitted] = React.useState(false);
  const [serverErrors, setServerErrors] = React.useState<Record<string, string[]> | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [upload, setUpload] = React.useState<string | null>(null);
  const fileInput = React.useRef<HTMLInputElement>(null);

  const set = <K extends keyof ConnectionForm>(key: K, value: ConnectionForm[K]) => setForm((previous) => ({ ...previous, [key]: value }));
  /** The form as it will be sent: the id follows the name until someone edits it. */
  const current: ConnectionForm = idEdited ? form : { ...form, id: suggestConnectionId(form.name) };
  const problems = submitted ? connectionFormProblems(current, editing) : {};
  const PROBLEM_MESSAGES: Record<string, MessageKey> = {
    id: 'form.idInvalid',
    name: 'form.nameRequired',
    issuer: 'form.issuerInvalid',
    clientId: 'form.clientIdRequired',
    clientSecret: 'form.clientSecretRequired',
    scopes: 'form.scopesInvalid',
    idpMetadataUrl: 'form.idpMetadataUrlInvalid',
    idpMetadataXml: 'form.idpMetadataXmlRequired',
  };
  /** What to show under a field: the browser's own check first, else what the server said about that key. */
  const errorOf = (key: string): string | undefined => {
    const problem = problems[key];
    if (problem) return t(PROBLEM_MESSAGES[problem] ?? 'form.fixErrors');
    return serverErrors?.[key]?.join('; ');
  };

  async function submit() {
    setSubmitted(true);
    if (Object.keys(connectionFormProblems(current, editing)).length > 0) return;
    setBusy(true);
    setServerErrors(null);
    const body = connectionPayload(current, { origin, ...(existing ? { existing } : {}) });
    try {
      const reply = existing
        ? await put<{ data: ConnectionView }>(`${API}/sso/connections/${encodeURIComponent(existing.id)}`, body)
        : await post<{ data: ConnectionView }>(`${API}/sso/connections`, body);
      onSaved(reply.data.data);
    } catch (error) {
      const status = apiErrorStatus(error);
      const message = apiErrorMessage(error);
      setServerErrors(status === 400 ? fieldErrors(message) : { _: [message] });
      setBusy(false);
    }
  }

  async function readFile(file: File | undefined) {
    if (!file) return;
    if (file.size > MAX_METADATA_BYTES) {
      setUpload(t('form.uploadTooLarge'));
      return;
    }
    const text = await file.text();
    set('idpMetadataXml', text);
    setUpload(t('form.uploaded', { name: file.name, size: text.length }));
  }

  const allServerMessages = serverErrors ? Object.values(serverErrors).flat() : [];
  const title = existing ? t('form.titleEdit', { name: existing.name }) : t(type === 'oidc' ? 'form.oidcTitleNew' : 'form.samlTitleNew');
  const textField = (key: keyof ConnectionForm & string, label: MessageKey, options: { hint?: string; required?: boolean; type?: string; placeholder?: string; autoComplete?: string } = {}) => (
    <Field.Root name={key} error={errorOf(key)} hint={options.hint} required={options.required}>
      <Field.Label>{t(label)}</Field.Label>
      <Field.Input
        type={options.type ?? 'text'}
        value={String(form[key] ?? '')}
        placeholder={options.placeholder}
        autoComplete={options.autoComplete ?? 'off'}
        onChange={(event: React.ChangeEvent<HTMLInputElement>) => set(key, event.target.value as never)}
      />
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
  const checkbox = (key: 'jit' | 'trustEmail' | 'enabled' | 'allowIdpInitiated', label: MessageKey, hint?: MessageKey) => (
    <Field.Root name={key} hint={hint ? t(hint) : undefined}>
      <Checkbox checked={form[key]} onCheckedChange={(checked: boolean | 'indeterminate') => set(key, checked === true)}>
        {t(label)}
      </Checkbox>
      <Field.Hint />
    </Field.Root>
  );

  return (
    <Modal.Root open onOpenChange={(open) => !open && onClose()}>
      <Modal.Content>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Modal.Header closeLabel={t('common.close')}>
            <Modal.Title>{title}</Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <Flex direction="column" alignItems="stretch" gap={4} data-testid="connection-form">
              {allServerMessages.length > 0 && (
                <Notice variant="danger" title={t('form.fixErrors')} testId="connection-form-errors">
                  <ul style={{ paddingLeft: 16, listStyle: 'disc' }}>
                    {allServerMessages.map((message) => (
                      <li key={message}>{message}</li>
                    ))}
                  </ul>
                </Notice>
              )}
              {textField('name', 'form.name', { hint: t('form.nameHint'), required: true })}
              {!editing && (
                <Field.Root name="id" error={errorOf('id')} hint={t('form.idHint')} required>
                  <Field.Label>{t('form.id')}</Field.Label>
                  <Field.Input
                    value={current.id}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
                      setIdEdited(true);
                      set('id', event.target.value);
                    }}
                    autoComplete="off"
                  />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              )}
              {type === 'oidc' ? (
                <>
                  {textField('issuer', 'form.issuer', { hint: t('form.issuerHint'), required: true, type: 'url', placeholder: 'https://login.microsoftonline.com/<tenant id>/v2.0' })}
                  {textField('allowedTenants', 'form.allowedTenants', { hint: t('form.allowedTenantsHint') })}
                  {textField('clientId', 'form.clientId', { required: true })}
                  {textField('clientSecret', 'form.clientSecret', {
                    type: 'password',
                    autoComplete: 'new-password',
                    required: !editing,
                    hint: t(existing?.clientSecretSet ? 'form.clientSecretHintSet' : 'form.clientSecretHintNew'),
                  })}
                  {textField('scopes', 'form.scopes', { hint: t('form.scopesHint') })}
                </>
              ) : (
                <>
                  <Field.Root name="metadataSource">
                    <Field.Label id="ib-metadata-source">{t('form.metadataSource')}</Field.Label>
                    <Radio.Group value={form.metadataSource} onValueChange={(value: string) => set('metadataSource', value === 'url' ? 'url' : 'xml')} aria-labelledby="ib-metadata-source">
                      <Radio.Item value="xml">{t('form.metadataXmlOption')}</Radio.Item>
                      <Radio.Item value="url">{t('form.metadataUrlOption')}</Radio.Item>
                    </Radio.Group>
                  </Field.Root>
                  {form.metadataSource === 'xml' ? (
                    <>
                      <Field.Root name="idpMetadataXml" error={errorOf('idpMetadataXml')} hint={t('form.idpMetadataXmlHint')} required>
                        <Field.Label>{t('form.idpMetadataXml')}</Field.Label>
                        <Textarea
                          value={form.idpMetadataXml}
                          onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => set('idpMetadataXml', event.target.value)}
                          style={{ fontFamily: 'monospace', minHeight: 120 }}
                        />
                        <Field.Hint />
                        <Field.Error />
                      </Field.Root>
                      <Flex gap={2} alignItems="center">
                        <Button type="button" variant="secondary" startIcon={<Upload />} onClick={() => fileInput.current?.click()}>
                          {t('form.upload')}
                        </Button>
                        <input
                          ref={fileInput}
                          type="file"
                          accept=".xml,application/xml,text/xml,application/samlmetadata+xml"
                          hidden
                          aria-hidden="true"
                          tabIndex={-1}
                          data-testid="metadata-file"
                          onChange={(event) => void readFile(event.target.files?.[0])}
                        />
                        {upload && (
                          <Typography variant="pi" textColor="neutral600" role="status">
                            {upload}
                          </Typography>
                        )}
                      </Flex>
                    </>
                  ) : (
                    textField('idpMetadataUrl', 'form.idpMetadataUrl', { hint: t('form.idpMetadataUrlHint'), required: true, type: 'url' })
                  )}
                  {textField('spEntityId', 'form.spEntityId', {
                    hint: t('form.spEntityIdHint', { value: defaultSpEntityId(origin, existing?.id ?? (current.id || '<id>')) }),
                  })}
                  {checkbox('allowIdpInitiated', 'form.allowIdpInitiated', 'form.allowIdpInitiatedHint')}
                </>
              )}
              <Field.Root name="directory" hint={t('form.directoryHint')} error={errorOf('directory')}>
                <Field.Label>{t('form.directory')}</Field.Label>
                <OptionalNameSelect value={form.directory} names={directories} noneLabel={t('form.directoryNone')} onChange={(value) => set('directory', value)} />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
              {directoriesLoad}
              {checkbox('jit', 'form.jit', 'form.jitHint')}
              {checkbox('trustEmail', 'form.trustEmail', 'form.trustEmailHint')}
              {checkbox('enabled', 'form.enabled')}
            </Flex>
          </Modal.Body>
          <Modal.Footer>
            <Modal.Close>
              <Button variant="tertiary">{t('common.cancel')}</Button>
            </Modal.Close>
            <Button type="submit" loading={busy}>
              {t('common.save')}
            </Button>
          </Modal.Footer>
        </form>
      </Modal.Content>
    </Modal.Root>
  );
}

function LoginPolicySection({ canUpdate }: { canUpdate: boolean }) {
  const t = useT();
  const { get, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const policy = useLoad(async () => (await get<{ data: LoginPolicy }>(`${API}/sso/login-policy`)).data.data, []);
  const [users, setUsers] = React.useState('');
  const [roles, setRoles] = React.useState('');
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);

  React.useEffect(() => {
    if (!policy.data) return;
    setUsers(policy.data.ssoOnlyUsers.join('\n'));
    setRoles(policy.data.ssoOnlyRoles.join('\n'));
  }, [policy.data]);

  const disabled = !canUpdate || Boolean(policy.data?.readOnly);

  async function save() {
    setBusy(true);
    setError(null);
    try {
      await put(`${API}/sso/login-policy`, loginPolicyPayload(users, roles));
      toggleNotification({ type: 'success', message: t('policy.saved') });
      policy.reload();
    } catch (caught) {
      setError(t('policy.refused', { message: apiErrorMessage(caught) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title={t('policy.title')} id="ib-login-policy">
      <Typography textColor="neutral600">{t('policy.intro')}</Typography>
      <LoadState loading={policy.loading} error={policy.error} what={t('policy.what')} onRetry={policy.reload} />
      {policy.data && (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <Flex direction="column" alignItems="stretch" gap={4}>
            {policy.data.readOnly && <Typography textColor="neutral600">{t('policy.readOnly')}</Typography>}
            <Flex gap={4} alignItems="flex-start" wrap="wrap">
              <Box flex="1" minWidth="280px">
                <Field.Root name="ssoOnlyUsers" hint={t('policy.usersHint')}>
                  <Field.Label>{t('policy.users')}</Field.Label>
                  <Textarea value={users} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setUsers(event.target.value)} />
                  <Field.Hint />
                </Field.Root>
              </Box>
              <Box flex="1" minWidth="280px">
                <Field.Root name="ssoOnlyRoles" hint={t('policy.rolesHint')}>
                  <Field.Label>{t('policy.roles')}</Field.Label>
                  <Textarea value={roles} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setRoles(event.target.value)} />
                  <Field.Hint />
                </Field.Root>
              </Box>
            </Flex>
            {error && (
              <Notice variant="danger" testId="policy-error">
                {error}
              </Notice>
            )}
            {!disabled && (
              <Flex justifyContent="flex-end">
                <Button type="submit" loading={busy}>
                  {t('common.save')}
                </Button>
              </Flex>
            )}
          </Flex>
        </form>
      )}
    </Section>
  );
}
