/**
 * Settings → Identity bridge → Provisioning (SCIM): the Tenant URL, the status of the last 24 hours, directories
 * with their tokens (a new token's secret shown once), and the Entra / Okta guides with this instance's values.
 */
import * as React from 'react';
import { useIntl } from 'react-intl';
import {
  Accordion,
  Badge,
  Box,
  Button,
  Field,
  Flex,
  Grid,
  Modal,
  Table,
  Tbody,
  Td,
  Textarea,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, Plus } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { PLUGIN_ID } from '../pluginId';
import en from '../translations/en.json';
import { settingsPage, SettingsLayout, type SettingsRights } from '../components/settings-page';
import { AddButton } from '../components/form-parts';
import { Pager, queryString } from '../components/list-controls';
import { useLogLabels } from '../components/log-labels';
import { ConfirmAction, CopyField, GridCell, LoadState, Notice, Section, ToneBadge, useLoad, useNameDescriptionForm, useNotifiedCall, useT, type Translate } from '../components/ui';

const API = `/${PLUGIN_ID}`;
const STATUS_HOURS = 24;

interface Directory {
  id: number;
  name: string;
  description: string | null;
  isDefault: boolean;
}
interface Token {
  id: number;
  name: string;
  description: string | null;
  directoryId: number;
  secretHint: string | null;
  source: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}
interface Status {
  hours: number;
  counts: { success: number; failure: number; staged: number };
  total: number;
  lastEvent: { createdAt: string; method: string; operation: string; outcome: string; status: number; tokenName: string | null } | null;
  lastTokenUse: { tokenName: string; lastUsedAt: string } | null;
}

export default settingsPage(Provisioning);

function Provisioning(rights: SettingsRights) {
  const t = useT();
  const { get } = useFetchClient();
  const { canUpdate } = rights;

  const settings = useLoad(async () => (await get<{ data: { scimBaseUrl: string } }>(`${API}/settings`)).data.data, []);
  const status = useLoad(async () => (await get<{ data: Status }>(`${API}/status?hours=${STATUS_HOURS}`)).data.data, []);
  const directories = useLoad(async () => (await get<{ data: Directory[] }>(`${API}/directories`)).data.data, []);
  // Bumped after a token is created or revoked: each directory block then reads its tokens again.
  const [tokensVersion, setTokensVersion] = React.useState(0);
  const tokensChanged = () => setTokensVersion((version) => version + 1);

  const [addingDirectory, setAddingDirectory] = React.useState(false);
  const [tokenFor, setTokenFor] = React.useState<Directory | null>(null);
  const [secret, setSecret] = React.useState<{ token: Token; secret: string } | null>(null);
  // The "Create token" button the flow started from: the focus goes back there when the secret is closed (the
  // secret dialog replaces the token dialog, so the dialog's own focus return would land on a removed element).
  const tokenFlowStart = React.useRef<HTMLElement | null>(null);
  const [revoking, setRevoking] = React.useState<Token | null>(null);
  const { post } = useFetchClient();
  const notifiedCall = useNotifiedCall();

  const tenantUrl = settings.data?.scimBaseUrl ?? '';

  async function revoke(token: Token) {
    await notifiedCall(() => post(`${API}/tokens/${token.id}/revoke`, {}), t('provisioning.tokens.revoked.notice', { name: token.name }));
    setRevoking(null);
    tokensChanged();
  }

  return (
    <SettingsLayout title={t('provisioning.title')} subtitle={t('provisioning.subtitle')} rights={rights}>

          <Section title={t('provisioning.tenantUrl.title')} id="ib-tenant-url">
            <LoadState loading={settings.loading} error={settings.error} what={t('provisioning.tenantUrl.title')} onRetry={settings.reload} />
            {settings.data && <CopyField name="tenantUrl" label={t('provisioning.tenantUrl.label')} value={tenantUrl} hint={t('provisioning.tenantUrl.hint')} />}
          </Section>

          <Section
            title={t('provisioning.status.title', { hours: STATUS_HOURS })}
            id="ib-status"
            actions={
              <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={status.reload}>
                {t('common.refresh')}
              </Button>
            }
          >
            <LoadState loading={status.loading} error={status.error} what={t('provisioning.status.what')} onRetry={status.reload} />
            {status.data && <StatusView status={status.data} t={t} />}
          </Section>

          <Section
            title={t('provisioning.directories.title')}
            id="ib-directories"
            actions={
              <AddButton hidden={!canUpdate} onClick={() => setAddingDirectory(true)}>
                {t('provisioning.directories.add')}
              </AddButton>
            }
          >
            <Typography textColor="neutral600">{t('provisioning.directories.intro')}</Typography>
            <LoadState loading={directories.loading} error={directories.error} what={t('provisioning.directories.what')} onRetry={directories.reload} />
            {directories.data && directories.data.length === 0 && <Typography>{t('provisioning.directories.empty')}</Typography>}
            {directories.data?.map((directory) => (
              <DirectoryBlock
                key={directory.id}
                directory={directory}
                tokensVersion={tokensVersion}
                canUpdate={canUpdate}
                onCreateToken={() => {
                  tokenFlowStart.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
                  setTokenFor(directory);
                }}
                onRevoke={setRevoking}
              />
            ))}
          </Section>

          <Section title={t('guides.title')} id="ib-guides">
            <Typography textColor="neutral600">{t('guides.intro')}</Typography>
            {/* The guides are only worth reading with the Tenant URL filled in. */}
            <LoadState loading={settings.loading} error={settings.error} what={t('provisioning.tenantUrl.title')} onRetry={settings.reload} />
            {settings.data && <Guides tenantUrl={tenantUrl} secret={t('guides.tokenPlaceholder')} />}
          </Section>

      {addingDirectory && (
        <DirectoryModal
          onClose={() => setAddingDirectory(false)}
          onCreated={() => {
            setAddingDirectory(false);
            directories.reload();
          }}
        />
      )}
      {tokenFor && (
        <TokenModal
          directory={tokenFor}
          onClose={() => setTokenFor(null)}
          onCreated={(created) => {
            setTokenFor(null);
            setSecret(created);
            tokensChanged();
          }}
        />
      )}
      {secret && <SecretModal token={secret.token} secret={secret.secret} tenantUrl={tenantUrl} returnFocusTo={tokenFlowStart.current} onClose={() => setSecret(null)} />}
      <ConfirmAction
        open={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        title={t('provisioning.tokens.revokeTitle')}
        body={t('provisioning.tokens.revokeBody', { name: revoking?.name ?? '' })}
        confirmLabel={t('provisioning.tokens.revoke')}
        onConfirm={() => revoking && void revoke(revoking)}
      />
    </SettingsLayout>
  );
}

function StatusView({ status, t }: { status: Status; t: Translate }) {
  const { formatDate } = useIntl();
  const labels = useLogLabels();
  const when = (value: string) => formatDate(value, { dateStyle: 'medium', timeStyle: 'medium' });
  const tiles: Array<{ key: 'success' | 'failure' | 'staged'; label: string; color: string }> = [
    { key: 'success', label: t('provisioning.status.success'), color: 'success600' },
    { key: 'failure', label: t('provisioning.status.failure'), color: 'danger600' },
    { key: 'staged', label: t('provisioning.status.staged'), color: 'warning600' },
  ];
  const last = status.lastEvent;
  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid="provisioning-status">
      <Grid.Root gap={4}>
        {tiles.map((tile) => (
          <GridCell key={tile.key} col={4}>
            <Box padding={4} hasRadius borderColor="neutral200" background="neutral100">
              <Typography variant="sigma" textColor="neutral600" tag="p">
                {tile.label}
              </Typography>
              <Typography variant="alpha" textColor={tile.color} tag="p" data-testid={`status-${tile.key}`}>
                {status.counts[tile.key]}
              </Typography>
            </Box>
          </GridCell>
        ))}
      </Grid.Root>
      <dl style={{ margin: 0 }}>
        <Typography variant="omega" fontWeight="bold" tag="dt">
          {t('provisioning.status.lastTokenUse')}
        </Typography>
        <Typography tag="dd" style={{ margin: 0 }} data-testid="status-last-token-use">
          {status.lastTokenUse
            ? t('provisioning.status.lastTokenUseValue', { time: when(status.lastTokenUse.lastUsedAt), token: status.lastTokenUse.tokenName })
            : t('provisioning.status.noRequest')}
        </Typography>
        <Box paddingTop={2}>
          <Typography variant="omega" fontWeight="bold" tag="dt">
            {t('provisioning.status.lastRequest')}
          </Typography>
        </Box>
        <Typography tag="dd" style={{ margin: 0 }} data-testid="status-last-request">
          {last
            ? t('provisioning.status.lastRequestValue', {
                time: when(last.createdAt),
                method: last.method,
                operation: labels.operation(last.operation),
                status: last.status,
                outcome: labels.outcome(last.outcome),
                token: last.tokenName ?? '—',
              })
            : t('provisioning.status.noRequest')}
        </Typography>
      </dl>
      <Typography variant="pi" textColor="neutral600">
        {t('provisioning.status.note')}
      </Typography>
    </Flex>
  );
}

/** Page size of a directory's live tokens (a rotation adds one; a directory rarely holds more than a few). */
const LIVE_TOKENS_PAGE = 25;

/** One page of a directory's tokens, live or revoked, from the server. */
function useTokenPage(directoryId: number, revoked: boolean, page: number, pageSize: number, version: number, enabled = true) {
  const { get } = useFetchClient();
  return useLoad(
    async () =>
      enabled
        ? (await get<{ data: Token[]; pagination: { total: number } }>(`${API}/tokens${queryString({ directoryId, revoked, page, pageSize })}`)).data
        : null,
    [directoryId, revoked, page, pageSize, version, enabled]
  );
}

/**
 * A directory with its live tokens and, on request, its revoked ones (they pile up with every rotation, so they
 * are read apart and a page at a time).
 */
function DirectoryBlock({
  directory,
  tokensVersion,
  canUpdate,
  onCreateToken,
  onRevoke,
}: {
  directory: Directory;
  tokensVersion: number;
  canUpdate: boolean;
  onCreateToken: () => void;
  onRevoke: (token: Token) => void;
}) {
  const t = useT();
  const headingId = `ib-directory-${directory.id}`;
  const [livePage, setLivePage] = React.useState(1);
  const live = useTokenPage(directory.id, false, livePage, LIVE_TOKENS_PAGE, tokensVersion);
  // A revoke can empty the last page: go back to the last page that still has tokens.
  const liveTotal = live.data?.pagination.total;
  React.useEffect(() => {
    if (liveTotal !== undefined && livePage > 1 && (livePage - 1) * LIVE_TOKENS_PAGE >= liveTotal) setLivePage(Math.max(1, Math.ceil(liveTotal / LIVE_TOKENS_PAGE)));
  }, [liveTotal, livePage]);
  const [showRevoked, setShowRevoked] = React.useState(false);
  const [revokedPage, setRevokedPage] = React.useState(1);
  const [revokedPageSize, setRevokedPageSize] = React.useState(10);
  const revoked = useTokenPage(directory.id, true, revokedPage, revokedPageSize, tokensVersion, showRevoked);
  const revokedRegionId = `ib-directory-${directory.id}-revoked`;
  return (
    <Box tag="article" aria-labelledby={headingId} padding={4} hasRadius borderColor="neutral200" data-testid={`directory-${directory.name}`}>
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex justifyContent="space-between" alignItems="center" gap={4} wrap="wrap">
          <Flex gap={2} alignItems="center">
            <Typography variant="epsilon" fontWeight="bold" tag="h3" id={headingId}>
              {directory.name}
            </Typography>
            {directory.isDefault && <Badge>{t('provisioning.directories.default')}</Badge>}
          </Flex>
          {canUpdate && (
            <Button variant="secondary" size="S" startIcon={<Plus />} onClick={onCreateToken} aria-label={t('provisioning.tokens.createIn', { directory: directory.name })}>
              {t('provisioning.tokens.create')}
            </Button>
          )}
        </Flex>
        {directory.description && <Typography textColor="neutral600">{directory.description}</Typography>}
        <LoadState loading={live.loading} error={live.error} what={t('provisioning.tokens.what')} onRetry={live.reload} />
        {live.data && live.data.pagination.total === 0 && <Typography textColor="neutral600">{t('provisioning.tokens.empty')}</Typography>}
        {live.data && live.data.data.length > 0 && (
          <TokenTable tokens={live.data.data} label={t('provisioning.tokens.tableLabel', { directory: directory.name })} canUpdate={canUpdate} onRevoke={onRevoke} />
        )}
        {live.data && live.data.pagination.total > LIVE_TOKENS_PAGE && (
          <Pager label={t('provisioning.tokens.pager', { directory: directory.name })} page={livePage} pageSize={LIVE_TOKENS_PAGE} total={live.data.pagination.total} onPage={setLivePage} />
        )}
        <Box>
          <Button
            variant="tertiary"
            size="S"
            onClick={() => setShowRevoked((shown) => !shown)}
            aria-expanded={showRevoked}
            aria-controls={revokedRegionId}
            aria-label={t(showRevoked ? 'provisioning.tokens.hideRevokedIn' : 'provisioning.tokens.showRevokedIn', { directory: directory.name })}
          >
            {t(showRevoked ? 'provisioning.tokens.hideRevoked' : 'provisioning.tokens.showRevoked')}
          </Button>
        </Box>
        {showRevoked && (
          <Flex direction="column" alignItems="stretch" gap={2} id={revokedRegionId}>
            <LoadState loading={revoked.loading} error={revoked.error} what={t('provisioning.tokens.revokedWhat')} onRetry={revoked.reload} />
            {revoked.data && revoked.data.pagination.total === 0 && <Typography textColor="neutral600">{t('provisioning.tokens.noRevoked')}</Typography>}
            {revoked.data && revoked.data.data.length > 0 && (
              <>
                <TokenTable tokens={revoked.data.data} label={t('provisioning.tokens.revokedTableLabel', { directory: directory.name })} canUpdate={false} onRevoke={onRevoke} />
                <Pager
                  label={t('provisioning.tokens.revokedPager', { directory: directory.name })}
                  page={revokedPage}
                  pageSize={revokedPageSize}
                  total={revoked.data.pagination.total}
                  onPage={setRevokedPage}
                  onPageSize={(size) => {
                    setRevokedPageSize(size);
                    setRevokedPage(1);
                  }}
                />
              </>
            )}
          </Flex>
        )}
      </Flex>
    </Box>
  );
}

function TokenTable({ tokens, label, canUpdate, onRevoke }: { tokens: Token[]; label: string; canUpdate: boolean; onRevoke: (token: Token) => void }) {
  const t = useT();
  const { formatDate } = useIntl();
  const when = (value: string | null) => (value ? formatDate(value, { dateStyle: 'medium', timeStyle: 'short' }) : t('common.never'));
  return (
    <Table colCount={5} rowCount={tokens.length + 1} aria-label={label}>
      <Thead>
        <Tr>
          {(['name', 'secret', 'activity', 'status', 'actions'] as const).map((column) => (
            <Th key={column}>
              <Typography variant="sigma">{t(`provisioning.tokens.${column}`)}</Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {tokens.map((token) => (
          <Tr key={token.id} data-testid={`token-${token.name}`}>
            <Td style={{ whiteSpace: 'normal' }}>
              <Flex direction="column" alignItems="flex-start" gap={1}>
                <Flex gap={2} wrap="wrap">
                  <Typography fontWeight="bold" style={{ whiteSpace: 'nowrap' }}>
                    {token.name}
                  </Typography>
                  {token.source !== 'admin' && <Badge>{t('provisioning.tokens.fromConfig')}</Badge>}
                </Flex>
                {token.description && (
                  <Typography variant="pi" textColor="neutral600">
                    {token.description}
                  </Typography>
                )}
              </Flex>
            </Td>
            <Td>
              <Typography style={{ fontFamily: 'monospace' }}>{token.secretHint ?? ''}</Typography>
            </Td>
            <Td>
              <Flex direction="column" alignItems="flex-start" gap={1}>
                <Typography variant="pi">{t('provisioning.tokens.createdAt', { time: when(token.createdAt) })}</Typography>
                <Typography variant="pi">{t('provisioning.tokens.lastUsedAt', { time: when(token.lastUsedAt) })}</Typography>
                {token.revokedAt && <Typography variant="pi">{t('provisioning.tokens.revokedAt', { time: when(token.revokedAt) })}</Typography>}
              </Flex>
            </Td>
            <Td>
              {token.revokedAt ? <ToneBadge tone="danger">{t('provisioning.tokens.revoked')}</ToneBadge> : <ToneBadge tone="success">{t('provisioning.tokens.active')}</ToneBadge>}
            </Td>
            <Td>
              {canUpdate && !token.revokedAt && (
                <Button variant="danger-light" size="S" onClick={() => onRevoke(token)} aria-label={t('provisioning.tokens.revokeLabel', { name: token.name })}>
                  {t('provisioning.tokens.revoke')}
                </Button>
              )}
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

function FormModal({
  title,
  submitLabel,
  onClose,
  onSubmit,
  error,
  busy,
  children,
}: {
  title: string;
  submitLabel: string;
  onClose: () => void;
  onSubmit: () => void;
  error: string | null;
  busy: boolean;
  children: React.ReactNode;
}) {
  const t = useT();
  return (
    <Modal.Root open onOpenChange={(open) => !open && onClose()}>
      <Modal.Content>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            onSubmit();
          }}
        >
          <Modal.Header closeLabel={t('common.close')}>
            <Modal.Title>{title}</Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <Flex direction="column" alignItems="stretch" gap={4}>
              {children}
              {error && <Notice variant="danger">{error}</Notice>}
            </Flex>
          </Modal.Body>
          <Modal.Footer>
            <Modal.Close>
              <Button variant="tertiary">{t('common.cancel')}</Button>
            </Modal.Close>
            <Button type="submit" loading={busy}>
              {submitLabel}
            </Button>
          </Modal.Footer>
        </form>
      </Modal.Content>
    </Modal.Root>
  );
}

function NameDescriptionFields({
  prefix,
  name,
  description,
  onName,
  onDescription,
  nameError,
  t,
}: {
  prefix: 'provisioning.directory' | 'provisioning.token';
  name: string;
  description: string;
  onName: (value: string) => void;
  onDescription: (value: string) => void;
  nameError: string | undefined;
  t: Translate;
}) {
  return (
    <>
      <Field.Root name="name" required error={nameError} hint={t(`${prefix}.nameHint`)}>
        <Field.Label>{t(`${prefix}.name`)}</Field.Label>
        <Field.Input value={name} onChange={(event: React.ChangeEvent<HTMLInputElement>) => onName(event.target.value)} autoFocus maxLength={200} />
        <Field.Hint />
        <Field.Error />
      </Field.Root>
      <Field.Root name="description">
        <Field.Label>{t(`${prefix}.description`)}</Field.Label>
        <Textarea value={description} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => onDescription(event.target.value)} maxLength={2000} />
      </Field.Root>
    </>
  );
}

function DirectoryModal({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const t = useT();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { name, setName, description, setDescription, nameError, error, busy, submit } = useNameDescriptionForm(
    t('provisioning.directory.nameRequired'),
    async (trimmedName, trimmedDescription) => {
      await post(`${API}/directories`, { name: trimmedName, description: trimmedDescription });
      toggleNotification({ type: 'success', message: t('provisioning.directories.created', { name: trimmedName }) });
      onCreated();
    }
  );

  return (
    <FormModal title={t('provisioning.directory.modalTitle')} submitLabel={t('common.create')} onClose={onClose} onSubmit={() => void submit()} error={error} busy={busy}>
      <NameDescriptionFields prefix="provisioning.directory" name={name} description={description} onName={setName} onDescription={setDescription} nameError={nameError} t={t} />
    </FormModal>
  );
}

function TokenModal({ directory, onClose, onCreated }: { directory: Directory; onClose: () => void; onCreated: (created: { token: Token; secret: string }) => void }) {
  const t = useT();
  const { post } = useFetchClient();
  const { name, setName, description, setDescription, nameError, error, busy, submit } = useNameDescriptionForm(
    t('provisioning.token.nameRequired'),
    async (trimmedName, trimmedDescription) => {
      const { data } = await post<{ data: Token & { secret: string } }>(`${API}/tokens`, {
        name: trimmedName,
        description: trimmedDescription,
        directoryId: directory.id,
      });
      const { secret, ...token } = data.data;
      onCreated({ token, secret });
    }
  );

  return (
    <FormModal
      title={t('provisioning.token.modalTitle', { directory: directory.name })}
      submitLabel={t('common.create')}
      onClose={onClose}
      onSubmit={() => void submit()}
      error={error}
      busy={busy}
    >
      <NameDescriptionFields prefix="provisioning.token" name={name} description={description} onName={setName} onDescription={setDescription} nameError={nameError} t={t} />
    </FormModal>
  );
}

/** The new token's secret, shown this once; closing the modal drops it from the page. */
function SecretModal({
  token,
  secret,
  tenantUrl,
  returnFocusTo,
  onClose,
}: {
  token: Token;
  secret: string;
  tenantUrl: string;
  returnFocusTo: HTMLElement | null;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Modal.Root open onOpenChange={(open) => !open && onClose()}>
      <Modal.Content
        onCloseAutoFocus={(event) => {
          if (!returnFocusTo?.isConnected) return;
          event.preventDefault();
          returnFocusTo.focus();
        }}
      >
        <Modal.Header closeLabel={t('common.close')}>
          <Modal.Title>{`${t('provisioning.secret.title')}: ${token.name}`}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4} data-testid="secret-modal">
            <Notice variant="warning">{t('provisioning.secret.warning')}</Notice>
            <CopyField name="secret" label={t('provisioning.secret.label')} value={secret} />
            <Typography>{t('provisioning.secret.next')}</Typography>
            <Guides tenantUrl={tenantUrl} secret={secret} />
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <span />
          <Button onClick={onClose}>{t('provisioning.secret.done')}</Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
}

const GUIDE_STEPS = {
  entra: ['guides.entra.1', 'guides.entra.2', 'guides.entra.3', 'guides.entra.4', 'guides.entra.5', 'guides.entra.6', 'guides.entra.7'],
  okta: ['guides.okta.1', 'guides.okta.2', 'guides.okta.3', 'guides.okta.4', 'guides.okta.5', 'guides.okta.6', 'guides.okta.7'],
} as const;

/** The Entra and Okta set-up steps, collapsible, with the Tenant URL and the secret (or where to find it) filled in. */
function Guides({ tenantUrl, secret }: { tenantUrl: string; secret: string }) {
  const t = useT();
  const { formatMessage } = useIntl();
  const rich = (key: keyof typeof en, values: Record<string, React.ReactNode>) =>
    formatMessage({ id: `${PLUGIN_ID}.${key}`, defaultMessage: en[key] }, values as Record<string, string>);
  const code = (value: string) => (
    <code key={value} style={{ fontFamily: 'monospace', wordBreak: 'break-all', background: 'rgba(0,0,0,0.05)', padding: '0 4px', borderRadius: 4 }}>
      {value}
    </code>
  );
  return (
    <Accordion.Root>
      {(['entra', 'okta'] as const).map((provider) => (
        <Accordion.Item key={provider} value={provider}>
          <Accordion.Header>
            <Accordion.Trigger>{t(`guides.${provider}.title`)}</Accordion.Trigger>
          </Accordion.Header>
          <Accordion.Content>
            <Box padding={4}>
              <ol style={{ paddingLeft: 20, margin: 0, listStyle: 'decimal' }}>
                {GUIDE_STEPS[provider].map((key) => (
                  <li key={key} style={{ marginBottom: 8 }}>
                    <Typography>{rich(key, { tenantUrl: code(tenantUrl), secret: code(secret) })}</Typography>
                  </li>
                ))}
              </ol>
            </Box>
          </Accordion.Content>
        </Accordion.Item>
      ))}
    </Accordion.Root>
  );
}
