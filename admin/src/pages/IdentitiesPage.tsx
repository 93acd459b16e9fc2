/**
 * Settings → Identity bridge → Identities: the people and groups your identity provider provisioned, one page at a
 * time from the server, with their status, admin roles, Media Library folders and metadata; a person's detail
 * (groups, mapping explained, recent log entries) with "re-send invitation" and "re-apply mapping"; and the
 * deactivations deprovision safety holds for approval, approved or rejected after a confirmation.
 */
import * as React from 'react';
import { useIntl } from 'react-intl';
import { Badge, Box, Button, Flex, Grid, IconButton, Table, Tabs, Tbody, Td, Th, Thead, Tr, Typography, VisuallyHidden } from '@strapi/design-system';
import { ArrowClockwise, Check, Cross, Eye, Mail, Play } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { PLUGIN_ID } from '../pluginId';
import { ConfirmAction, DetailDialog, GridCell, LoadState, Notice, Section, ToneBadge, useLoad, useNotifiedCall, useT, type MessageKey, type Translate } from '../components/ui';
import { settingsPage, SettingsLayout, type SettingsRights } from '../components/settings-page';
import { Chip, DateTimeCell, Pager, queryString, SearchFilter, SelectFilter, useDebounced } from '../components/list-controls';
import { ChipList, LoadedSelectFilter } from '../components/loaded-filters';
import { apiErrorMessage } from '../utils/model';
import { OutcomeBadge, type LogEvent } from './LogPage';
import { useLogLabels } from '../components/log-labels';

const API = `/${PLUGIN_ID}`;

interface Snapshot {
  roles: string[];
  folders: string[];
  metadata: Record<string, string[]>;
  active: boolean;
  held?: boolean;
  rulesVersion: number;
}
interface AdminUserView {
  id: number;
  email: string;
  isActive: boolean;
  roles: Array<{ name: string; code: string }>;
}
interface IdentityRow {
  id: number;
  source: 'scim' | 'sso';
  identityId?: number | null;
  connectionId?: string;
  directoryName?: string;
  userName: string;
  displayName?: string | null;
  email: string | null;
  externalId?: string | null;
  active: boolean;
  status: 'active' | 'inactive' | 'held' | 'no-access';
  lastSync: string | null;
  mapping: Snapshot | null;
  mappingStale?: boolean;
  adminUser: AdminUserView | null;
  ssoSignIns?: Array<{ connectionId: string; lastSignInAt: string | null }>;
}
interface IdentityDetail extends IdentityRow {
  groups: Array<{ scimId: string; displayName: string; externalId: string | null }>;
  staged: Array<{ id: number; kind: string; cause: string | null; tokenName: string | null; createdAt: string }>;
  recentEvents: LogEvent[];
}
interface GroupRow {
  id: number;
  displayName: string;
  externalId: string | null;
  directoryName: string;
  memberCount: number;
  lastSync: string;
  /** The roles the rules in force give members through this group (conditional: only with the rule's other conditions). */
  mapsTo: { roles: Array<{ code: string; name: string; ruleIds: string[]; conditional: boolean }>; rulesVersion: number };
}
interface Staged {
  id: number;
  identityId: number;
  userName: string | null;
  kind: 'deactivate' | 'delete';
  cause: 'identity-provider' | 'mapping-rules';
  tokenName: string | null;
  createdAt: string;
}
interface Paged<Row> {
  results: Row[];
  pagination: { page: number; pageSize: number; total: number; capped?: boolean };
}

export default settingsPage(Identities);

function useWhen() {
  const { formatDate } = useIntl();
  const t = useT();
  return (value: string | null | undefined) => (value ? formatDate(value, { dateStyle: 'medium', timeStyle: 'short' }) : t('common.never'));
}

function Identities(rights: SettingsRights) {
  const t = useT();
  const { get } = useFetchClient();
  const [tab, setTab] = React.useState('users');
  // How many wait for approval, in the tab's name: one row asked for, the total read from the pagination.
  const staged = useLoad(async () => (await get<Paged<Staged>>(`${API}/deprovisions?status=staged&pageSize=1`)).data.pagination.total, []);
  const stagedCount = staged.data ?? 0;
  return (
    <SettingsLayout title={t('identities.title')} subtitle={t('identities.subtitle')} rights={rights}>
      {/* Without the count the tab would read "Staged deactivations" as if nothing waited: say it is unknown. */}
      {staged.error !== undefined && (
        <Box paddingBottom={4}>
          <Notice
            variant="warning"
            testId="staged-count-error"
            action={
              <Button variant="tertiary" size="S" startIcon={<ArrowClockwise />} onClick={staged.reload}>
                {t('common.retry')}
              </Button>
            }
          >
            {t('identities.tab.stagedError', { message: apiErrorMessage(staged.error) })}
          </Notice>
        </Box>
      )}
      <Tabs.Root value={tab} onValueChange={setTab}>
        <Tabs.List aria-label={t('identities.tabs')}>
          <Tabs.Trigger value="users">{t('identities.tab.users')}</Tabs.Trigger>
          <Tabs.Trigger value="groups">{t('identities.tab.groups')}</Tabs.Trigger>
          <Tabs.Trigger value="staged">
            {stagedCount ? t('identities.tab.stagedCount', { count: stagedCount }) : t('identities.tab.staged')}
          </Tabs.Trigger>
        </Tabs.List>
        <Box paddingTop={4}>
          <Tabs.Content value="users">
            <UsersTab rights={rights} />
          </Tabs.Content>
          <Tabs.Content value="groups">
            <GroupsTab />
          </Tabs.Content>
          <Tabs.Content value="staged">
            <StagedTab rights={rights} onDecided={staged.reload} />
          </Tabs.Content>
        </Box>
      </Tabs.Root>
    </SettingsLayout>
  );
}

/** Status badge of a person: active, deactivated, no access (no rule lets them in), or held for approval. */
function StatusBadge({ status, wrap = false }: { status: IdentityRow['status']; wrap?: boolean }) {
  const t = useT();
  const tone = ({ active: 'success', inactive: 'neutral', 'no-access': 'danger', held: 'warning' } as const)[status];
  const text = t(`identities.status.${status}` as MessageKey);
  return <ToneBadge tone={tone}>{wrap ? <span style={{ whiteSpace: 'normal', textAlign: 'left' }}>{text}</span> : text}</ToneBadge>;
}

const roleNames = (row: IdentityRow) => row.adminUser?.roles.map((role) => role.name) ?? row.mapping?.roles ?? [];

function UsersTab({ rights }: { rights: SettingsRights }) {
  const t = useT();
  const { get } = useFetchClient();
  const [search, setSearch] = React.useState('');
  const [directoryId, setDirectoryId] = React.useState('');
  const [active, setActive] = React.useState('');
  // Always one source: SCIM people and SSO sign-ins are two lists with different filters (no "Any").
  const [source, setSource] = React.useState<'scim' | 'sso'>('scim');
  const sso = source === 'sso';
  const [page, setPage] = React.useState(1);
  const [pageSize, setPageSize] = React.useState(25);
  const [openId, setOpenId] = React.useState<number | null>(null);
  const settledSearch = useDebounced(search);
  const directories = useLoad(async () => (await get<{ data: Array<{ id: number; name: string }> }>(`${API}/directories`)).data.data, []);
  const people = useLoad(
    async () =>
      (await get<Paged<IdentityRow>>(`${API}/identities${queryString({ search: settledSearch.trim(), source, page, pageSize, ...(sso ? {} : { directoryId, active }) })}`)).data,
    [settledSearch, directoryId, active, source, page, pageSize]
  );
  const reset = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setPage(1);
  };

  return (
    <Section title={t('identities.users.title')} id="ib-users" actions={<RefreshButton onClick={people.reload} />}>
      <Grid.Root gap={4}>
        <GridCell col={3}>
          <SearchFilter name="identity-search" label={t('identities.search')} hint={t('identities.searchHint')} value={search} onChange={reset(setSearch)} />
        </GridCell>
        <GridCell col={3} s={6}>
          <SelectFilter
            name="source"
            label={t('identities.filter.source')}
            value={source}
            onChange={reset((value: string) => setSource(value === 'sso' ? 'sso' : 'scim'))}
            withAny={false}
            options={[
              { value: 'scim', label: t('identities.source.scim') },
              { value: 'sso', label: t('identities.source.sso') },
            ]}
          />
        </GridCell>
        <GridCell col={3} s={6}>
          {/* SSO sign-ins have no directory and no status to filter on (the API refuses both for source=sso). */}
          <LoadedSelectFilter
            name="directory"
            label={t('identities.filter.directory')}
            value={sso ? '' : directoryId}
            onChange={reset(setDirectoryId)}
            options={(directories.data ?? []).map((directory) => ({ value: String(directory.id), label: directory.name }))}
            state={directories}
            errorText={(message) => t('identities.filter.directoriesError', { message })}
            retryLabel={t('identities.filter.directoriesRetry')}
            {...(sso ? { disabledHint: t('identities.filter.directorySsoHint') } : {})}
          />
        </GridCell>
        <GridCell col={3} s={6}>
          <SelectFilter
            name="active"
            label={t('identities.filter.status')}
            value={sso ? '' : active}
            onChange={reset(setActive)}
            disabled={sso}
            {...(sso ? { hint: t('identities.filter.statusSsoHint') } : {})}
            options={[
              { value: 'true', label: t('identities.status.active') },
              { value: 'false', label: t('identities.status.inactive') },
            ]}
          />
        </GridCell>
      </Grid.Root>
      <LoadState loading={people.loading} error={people.error} what={t('identities.users.what')} onRetry={people.reload} />
      {people.data?.pagination.capped && <Notice variant="info">{t('identities.capped')}</Notice>}
      {people.data && people.data.results.length === 0 && (
        <Empty text={search || (!sso && (directoryId || active)) ? t('identities.users.noMatch') : sso ? t('identities.users.emptySso') : t('identities.users.empty')} />
      )}
      {people.data && people.data.results.length > 0 && (
        <Box style={{ overflowX: 'auto' }}>
          <Table colCount={7} rowCount={people.data.results.length + 1} aria-label={t('identities.users.title')} data-testid="identities-table">
            <Thead>
              <Tr>
                {(['person', 'source', 'status', 'roles', 'folders', 'lastSync', 'actions'] as const).map((column) => (
                  <Th key={column}>
                    {/* The open buttons' column is named for screen readers only: its header would widen the table past 1280 px. */}
                    {column === 'actions' ? (
                      <VisuallyHidden>{t('identities.column.actions')}</VisuallyHidden>
                    ) : (
                      <Typography variant="sigma">{t(`identities.column.${column}`)}</Typography>
                    )}
                  </Th>
                ))}
              </Tr>
            </Thead>
            <Tbody>
              {people.data.results.map((row) => {
                const identityId = row.source === 'scim' ? row.id : (row.identityId ?? null);
                return (
                  <Tr key={`${row.source}-${row.id}`} data-testid={`identity-row-${row.userName}`}>
                    <Td>
                      <Flex direction="column" alignItems="flex-start">
                        <Typography fontWeight="semiBold" style={{ overflowWrap: 'anywhere' }}>
                          {row.displayName || row.userName}
                        </Typography>
                        <Typography variant="pi" textColor="neutral600" style={{ overflowWrap: 'anywhere' }}>
                          {row.userName}
                        </Typography>
                      </Flex>
                    </Td>
                    <Td>
                      {/* Two short lines (kind over directory or connection) keep the table inside a 1280-px window. */}
                      <Typography variant="pi" tag="div">
                        {t(row.source === 'scim' ? 'identities.sourceShort.scim' : 'identities.sourceShort.sso')}
                      </Typography>
                      <Typography variant="pi" tag="div" textColor="neutral600">
                        {row.source === 'scim' ? row.directoryName : row.connectionId}
                      </Typography>
                    </Td>
                    {/* Narrow: a long status ("Deactivation held") wraps inside its badge rather than widening the table. */}
                    <Td style={{ maxWidth: 128 }}>
                      <Flex direction="column" alignItems="flex-start" gap={1}>
                        <StatusBadge status={row.status} wrap />
                        {row.mappingStale && <Badge style={{ whiteSpace: 'normal', textAlign: 'left' }}>{t('identities.stale')}</Badge>}
                      </Flex>
                    </Td>
                    <Td>
                      <ChipList values={roleNames(row)} empty={<NoneText />} />
                    </Td>
                    <Td style={{ maxWidth: 220 }}>
                      {/* The folders the rules gave (metadata stays in the detail: it would not fit a row). */}
                      <ChipList values={row.mapping?.folders ?? []} empty={<NoneText />} testId={`identity-folders-${row.userName}`} />
                    </Td>
                    <Td>
                      <DateTimeCell value={row.lastSync} />
                    </Td>
                    <Td>
                      {identityId !== null ? (
                        <IconButton label={t('identities.openLabel', { name: row.userName })} variant="tertiary" onClick={() => setOpenId(identityId)}>
                          <Eye />
                        </IconButton>
                      ) : (
                        <Typography variant="pi" textColor="neutral600">
                          {t('identities.ssoOnly')}
                        </Typography>
                      )}
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        </Box>
      )}
      {people.data && people.data.pagination.total > 0 && (
        <Pager label={t('identities.users.pager')} page={page} pageSize={pageSize} total={people.data.pagination.total} onPage={setPage} onPageSize={(size) => { setPageSize(size); setPage(1); }} />
      )}
      {openId !== null && (
        <IdentityModal
          id={openId}
          canUpdate={rights.canUpdate}
          onClose={() => setOpenId(null)}
          onChanged={people.reload}
        />
      )}
    </Section>
  );
}

function NoneText() {
  const t = useT();
  return (
    <Typography variant="pi" textColor="neutral600">
      {t('common.none')}
    </Typography>
  );
}

function RefreshButton({ onClick }: { onClick: () => void }) {
  const t = useT();
  return (
    <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={onClick}>
      {t('common.refresh')}
    </Button>
  );
}

function Empty({ text }: { text: string }) {
  return (
    <Box padding={6} background="neutral100" hasRadius>
      <Typography textColor="neutral600" tag="p" textAlign="center">
        {text}
      </Typography>
    </Box>
  );
}

/** A labelled list of values shown as badges ("None" when empty). */
function Values({ label, values, testId }: { label: string; values: string[]; testId?: string }) {
  const t = useT();
  return (
    <>
      <Typography tag="dt" variant="omega" fontWeight="bold">
        {label}
      </Typography>
      <Box tag="dd" style={{ margin: 0 }} data-testid={testId}>
        {values.length > 0 ? (
          <Flex gap={1} wrap="wrap">
            {values.map((value) => (
              <Chip key={value}>{value}</Chip>
            ))}
          </Flex>
        ) : (
          <Typography textColor="neutral600">{t('common.none')}</Typography>
        )}
      </Box>
    </>
  );
}

function Term({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <Typography tag="dt" variant="omega" fontWeight="bold">
        {label}
      </Typography>
      <Typography tag="dd" style={{ margin: 0, wordBreak: 'break-word' }}>
        {children}
      </Typography>
    </>
  );
}

const DL_STYLE: React.CSSProperties = { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 16, rowGap: 8, margin: 0, alignItems: 'baseline' };

interface Explanation {
  rulesVersion: number;
  result: { roles: string[]; active: boolean; folders: string[]; rules: Array<{ ruleId: string; matched: boolean; granted: string[] }>; notes: string[] };
}

/** One person: what they have and why, their groups, recent log entries, and the actions on them. */
function IdentityModal({ id, canUpdate, onClose, onChanged }: { id: number; canUpdate: boolean; onClose: () => void; onChanged: () => void }) {
  const t = useT();
  const when = useWhen();
  const labels = useLogLabels();
  const { get, post } = useFetchClient();
  const notifiedCall = useNotifiedCall();
  const [busy, setBusy] = React.useState<string | null>(null);
  const detail = useLoad(async () => (await get<{ data: IdentityDetail }>(`${API}/identities/${id}`)).data.data, [id]);
  const explain = useLoad(async () => (await get<{ data: Explanation }>(`${API}/identities/${id}/explain`)).data.data, [id]);
  const person = detail.data;

  async function act(kind: 'reapply' | 'invite') {
    setBusy(kind);
    await notifiedCall(
      () => post(`${API}/identities/${id}/${kind}`, {}),
      t(kind === 'reapply' ? 'identities.reapply.done' : 'identities.invite.done', { name: person?.userName ?? '' })
    );
    setBusy(null);
    detail.reload();
    explain.reload();
    onChanged();
  }

  const metadata = Object.entries(person?.mapping?.metadata ?? {});
  return (
    <DetailDialog
      title={person ? t('identities.detail.title', { name: person.displayName || person.userName }) : t('common.loading')}
      onClose={onClose}
      style={{ maxWidth: 880, width: '90vw' }}
    >
      <LoadState loading={detail.loading} error={detail.error} what={t('identities.detail.what')} onRetry={detail.reload} />
      {person && (
        <Flex direction="column" alignItems="stretch" gap={6} data-testid="identity-detail">
          <Flex gap={2} wrap="wrap">
            <Button startIcon={<Play />} onClick={() => void act('reapply')} disabled={!canUpdate || busy !== null} loading={busy === 'reapply'}>
              {t('identities.reapply')}
            </Button>
            <Button
              variant="secondary"
              startIcon={<Mail />}
              onClick={() => void act('invite')}
              disabled={!canUpdate || busy !== null || !person.adminUser?.isActive}
              loading={busy === 'invite'}
            >
              {t('identities.invite')}
            </Button>
          </Flex>
          {!canUpdate && <Typography variant="pi" textColor="neutral600">{t('identities.actionsNeedUpdate')}</Typography>}
          {person.staged.length > 0 && (
            <Notice variant="warning" title={t('identities.detail.stagedTitle')}>
              {person.staged.map((entry) => (
                <Typography key={entry.id} tag="p">
                  {t('identities.detail.stagedBody', { kind: entry.kind })}
                </Typography>
              ))}
            </Notice>
          )}
          <Box tag="dl" style={DL_STYLE}>
            <Term label={t('identities.detail.status')}>
              <StatusBadge status={person.status} />
            </Term>
            <Term label={t('identities.detail.userName')}>{person.userName}</Term>
            <Term label={t('identities.detail.email')}>{person.email ?? '—'}</Term>
            <Term label={t('identities.detail.externalId')}>{person.externalId ?? '—'}</Term>
            <Term label={t('identities.column.source')}>{t('identities.sourceValue.scim', { directory: person.directoryName ?? '' })}</Term>
            <Term label={t('identities.column.lastSync')}>{when(person.lastSync)}</Term>
            <Term label={t('identities.detail.adminUser')}>
              {person.adminUser ? `${person.adminUser.email} (${t(person.adminUser.isActive ? 'identities.status.active' : 'identities.status.inactive')})` : '—'}
            </Term>
            <Term label={t('identities.detail.sso')}>
              {person.ssoSignIns && person.ssoSignIns.length > 0
                ? person.ssoSignIns.map((signIn) => t('identities.detail.ssoValue', { connection: signIn.connectionId, time: when(signIn.lastSignInAt) })).join('; ')
                : t('identities.detail.noSso')}
            </Term>
          </Box>

          <Flex direction="column" alignItems="stretch" gap={3}>
            <Typography variant="delta" tag="h3">
              {t('identities.detail.access')}
            </Typography>
            <Box tag="dl" style={DL_STYLE}>
              <Values label={t('identities.detail.adminRoles')} values={person.adminUser?.roles.map((role) => role.name) ?? []} testId="identity-roles" />
              <Values label={t('identities.detail.mappedRoles')} values={person.mapping?.roles ?? []} testId="identity-mapped-roles" />
              <Values label={t('identities.detail.folders')} values={person.mapping?.folders ?? []} testId="identity-folders" />
              <Values label={t('identities.detail.groups')} values={person.groups.map((group) => group.displayName)} testId="identity-groups" />
              {metadata.map(([key, values]) => (
                <Values key={key} label={t('identities.detail.metadata', { key })} values={values} testId={`identity-metadata-${key}`} />
              ))}
            </Box>
            {person.mapping && (
              <Typography variant="pi" textColor="neutral600">
                {t('identities.detail.rulesVersion', { version: person.mapping.rulesVersion })}
              </Typography>
            )}
          </Flex>

          <Flex direction="column" alignItems="stretch" gap={3}>
            <Typography variant="delta" tag="h3">
              {t('identities.explain.title')}
            </Typography>
            <LoadState loading={explain.loading} error={explain.error} what={t('identities.explain.what')} onRetry={explain.reload} />
            {explain.data && (
              <Flex direction="column" alignItems="stretch" gap={2} data-testid="identity-explain">
                {explain.data.result.rules.length === 0 && <Typography textColor="neutral600">{t('identities.explain.noRules')}</Typography>}
                <Box tag="ul" style={{ margin: 0, paddingLeft: 20 }}>
                  {explain.data.result.rules.map((rule) => (
                    <li key={rule.ruleId}>
                      <Typography>
                        {rule.matched
                          ? t('identities.explain.matched', { rule: rule.ruleId, roles: rule.granted.join(', ') || t('common.none') })
                          : t('identities.explain.notMatched', { rule: rule.ruleId })}
                      </Typography>
                    </li>
                  ))}
                  {explain.data.result.notes.map((note) => (
                    <li key={note}>
                      <Typography textColor="neutral600">{note}</Typography>
                    </li>
                  ))}
                </Box>
                <Typography variant="pi" textColor="neutral600">
                  {t('identities.explain.now', { roles: explain.data.result.roles.join(', ') || t('common.none'), version: explain.data.rulesVersion })}
                </Typography>
              </Flex>
            )}
          </Flex>

          <Flex direction="column" alignItems="stretch" gap={3}>
            <Typography variant="delta" tag="h3">
              {t('identities.detail.recent')}
            </Typography>
            {person.recentEvents.length === 0 ? (
              <Typography textColor="neutral600">{t('identities.detail.noEvents')}</Typography>
            ) : (
              <Box tag="ul" style={{ margin: 0, padding: 0, listStyle: 'none' }} data-testid="identity-events">
                {person.recentEvents.map((event) => (
                  <Box tag="li" key={event.id} paddingBottom={2}>
                    <Flex gap={2} alignItems="center" wrap="wrap">
                      <Typography variant="pi" textColor="neutral600" style={{ whiteSpace: 'nowrap' }}>{when(event.createdAt)}</Typography>
                      <Typography variant="pi" fontWeight="semiBold">
                        {labels.operation(event.operation)}
                      </Typography>
                      <Typography variant="pi" textColor="neutral600">
                        {labels.method(event.method)}
                      </Typography>
                      <OutcomeBadge outcome={event.outcome} />
                      {event.changed && event.changed.length > 0 && (
                        <Typography variant="pi" textColor="neutral600">
                          {t('identities.detail.changed', { names: event.changed.join(', ') })}
                        </Typography>
                      )}
                    </Flex>
                  </Box>
                ))}
              </Box>
            )}
          </Flex>
        </Flex>
      )}
    </DetailDialog>
  );
}

function GroupsTab() {
  const t = useT();
  const { get } = useFetchClient();
  const [search, setSearch] = React.useState('');
  const [page, setPage] = React.useState(1);
  const [pageSize, setPageSize] = React.useState(25);
  const [open, setOpen] = React.useState<GroupRow | null>(null);
  const settledSearch = useDebounced(search);
  const groups = useLoad(
    async () => (await get<Paged<GroupRow>>(`${API}/groups${queryString({ search: settledSearch.trim(), page, pageSize })}`)).data,
    [settledSearch, page, pageSize]
  );
  return (
    <Section title={t('identities.groups.title')} id="ib-groups" actions={<RefreshButton onClick={groups.reload} />}>
      <Box maxWidth="400px">
        <SearchFilter name="group-search" label={t('identities.groups.search')} value={search} onChange={(value) => { setSearch(value); setPage(1); }} />
      </Box>
      <LoadState loading={groups.loading} error={groups.error} what={t('identities.groups.what')} onRetry={groups.reload} />
      {groups.data && groups.data.results.length === 0 && <Empty text={search ? t('identities.groups.noMatch') : t('identities.groups.empty')} />}
      {groups.data && groups.data.results.length > 0 && (
        <Table colCount={6} rowCount={groups.data.results.length + 1} aria-label={t('identities.groups.title')} data-testid="groups-table">
          <Thead>
            <Tr>
              {(['name', 'directory', 'members', 'mapsTo', 'lastSync', 'actions'] as const).map((column) => (
                <Th key={column}>
                  <Typography variant="sigma">{t(`identities.groups.column.${column}`)}</Typography>
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {groups.data.results.map((group) => (
              <Tr key={group.id} data-testid={`group-row-${group.displayName}`}>
                <Td>
                  <Flex direction="column" alignItems="flex-start">
                    <Typography fontWeight="semiBold">{group.displayName}</Typography>
                    {group.externalId && (
                      <Typography variant="pi" textColor="neutral600">
                        {group.externalId}
                      </Typography>
                    )}
                  </Flex>
                </Td>
                <Td>
                  <Typography variant="pi">{group.directoryName}</Typography>
                </Td>
                <Td>
                  <Typography variant="pi">{group.memberCount}</Typography>
                </Td>
                <Td>
                  <GroupMapsTo mapsTo={group.mapsTo} testId={`group-maps-to-${group.displayName}`} />
                </Td>
                <Td>
                  <DateTimeCell value={group.lastSync} />
                </Td>
                <Td>
                  <Button variant="secondary" size="S" onClick={() => setOpen(group)} aria-label={t('identities.groups.membersLabel', { name: group.displayName })}>
                    {t('identities.groups.members')}
                  </Button>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {groups.data && groups.data.pagination.total > 0 && (
        <Pager label={t('identities.groups.pager')} page={page} pageSize={pageSize} total={groups.data.pagination.total} onPage={setPage} onPageSize={(size) => { setPageSize(size); setPage(1); }} />
      )}
      {open && <MembersModal group={open} onClose={() => setOpen(null)} />}
    </Section>
  );
}

/** The roles a group gives its members, each with the rules that give it; "with other conditions" when membership alone is not enough. */
function GroupMapsTo({ mapsTo, testId }: { mapsTo: GroupRow['mapsTo']; testId: string }) {
  const t = useT();
  if (mapsTo.roles.length === 0) {
    return (
      <Typography variant="pi" textColor="neutral600" data-testid={testId}>
        {t('identities.groups.mapsNothing')}
      </Typography>
    );
  }
  const ruleIds = [...new Set(mapsTo.roles.flatMap((role) => role.ruleIds))];
  return (
    <Flex direction="column" alignItems="flex-start" gap={1} data-testid={testId}>
      <Flex gap={1} wrap="wrap">
        {mapsTo.roles.map((role) => (
          <Chip key={role.code}>{role.conditional ? t('identities.groups.conditionalRole', { role: role.name }) : role.name}</Chip>
        ))}
      </Flex>
      <Typography variant="pi" textColor="neutral600">
        {t('identities.groups.viaRules', { count: ruleIds.length, rules: ruleIds.join(', ') })}
      </Typography>
    </Flex>
  );
}

function MembersModal({ group, onClose }: { group: GroupRow; onClose: () => void }) {
  const t = useT();
  const { get } = useFetchClient();
  const [page, setPage] = React.useState(1);
  const [pageSize, setPageSize] = React.useState(10);
  const members = useLoad(async () => (await get<Paged<IdentityRow>>(`${API}/groups/${group.id}/members${queryString({ page, pageSize })}`)).data, [group.id, page, pageSize]);
  return (
    <DetailDialog title={t('identities.groups.membersTitle', { name: group.displayName })} onClose={onClose}>
      <LoadState loading={members.loading} error={members.error} what={t('identities.groups.membersWhat')} onRetry={members.reload} />
      {members.data && members.data.results.length === 0 && <Empty text={t('identities.groups.noMembers')} />}
      {members.data && members.data.results.length > 0 && (
        <Box tag="ul" style={{ margin: 0, padding: 0, listStyle: 'none' }} data-testid="group-members">
          {members.data.results.map((member) => (
            <Box tag="li" key={member.id} paddingBottom={2}>
              <Flex gap={2} alignItems="center" justifyContent="space-between">
                <Typography>{member.userName}</Typography>
                <StatusBadge status={member.status} />
              </Flex>
            </Box>
          ))}
        </Box>
      )}
      {members.data && members.data.pagination.total > 0 && (
        <Pager label={t('identities.groups.membersPager')} page={page} pageSize={pageSize} total={members.data.pagination.total} onPage={setPage} onPageSize={(size) => { setPageSize(size); setPage(1); }} />
      )}
    </DetailDialog>
  );
}

function StagedTab({ rights, onDecided }: { rights: SettingsRights; onDecided: () => void }) {
  const t = useT();
  const { get, post } = useFetchClient();
  const notifiedCall = useNotifiedCall();
  const [page, setPage] = React.useState(1);
  const [pageSize, setPageSize] = React.useState(25);
  const [deciding, setDeciding] = React.useState<{ entry: Staged; decision: 'approve' | 'reject' } | null>(null);
  const staged = useLoad(async () => (await get<Paged<Staged>>(`${API}/deprovisions${queryString({ status: 'staged', page, pageSize })}`)).data, [page, pageSize]);

  async function decide() {
    if (!deciding) return;
    const { entry, decision } = deciding;
    setDeciding(null);
    await notifiedCall(
      () => post(`${API}/deprovisions/${entry.id}/${decision}`, {}),
      t(decision === 'approve' ? 'staged.approved' : 'staged.rejected', { name: entry.userName ?? '' })
    );
    staged.reload();
    onDecided();
  }

  return (
    <Section title={t('staged.title')} id="ib-staged" actions={<RefreshButton onClick={staged.reload} />}>
      <Typography textColor="neutral600">{t('staged.intro')}</Typography>
      <LoadState loading={staged.loading} error={staged.error} what={t('staged.what')} onRetry={staged.reload} />
      {staged.data && staged.data.results.length === 0 && <Empty text={t('staged.empty')} />}
      {staged.data && staged.data.results.length > 0 && (
        <Table colCount={4} rowCount={staged.data.results.length + 1} aria-label={t('staged.title')} data-testid="staged-table">
          <Thead>
            <Tr>
              {(['person', 'cause', 'since', 'actions'] as const).map((column) => (
                <Th key={column}>
                  <Typography variant="sigma">{t(`staged.column.${column}`)}</Typography>
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {staged.data.results.map((entry) => (
              <Tr key={entry.id} data-testid={`staged-row-${entry.userName}`}>
                <Td>
                  <Flex direction="column" alignItems="flex-start" gap={1}>
                    <Typography fontWeight="semiBold">{entry.userName ?? `#${entry.identityId}`}</Typography>
                    <ToneBadge tone="warning">
                      {t(`staged.kind.${entry.kind}` as MessageKey)}
                    </ToneBadge>
                  </Flex>
                </Td>
                <Td>
                  <Typography variant="pi" tag="div">
                    {entry.cause === 'mapping-rules' ? t('staged.cause.rules') : t('staged.cause.idp')}
                  </Typography>
                  {entry.tokenName && (
                    <Typography variant="pi" tag="div" textColor="neutral600">
                      {t('staged.cause.token', { token: entry.tokenName })}
                    </Typography>
                  )}
                </Td>
                <Td>
                  <DateTimeCell value={entry.createdAt} />
                </Td>
                <Td>
                  <Flex gap={2}>
                    <Button
                      size="S"
                      variant="danger-light"
                      startIcon={<Check />}
                      disabled={!rights.canUpdate}
                      onClick={() => setDeciding({ entry, decision: 'approve' })}
                      aria-label={t('staged.approveLabel', { name: entry.userName ?? '' })}
                    >
                      {t('staged.approve')}
                    </Button>
                    <Button
                      size="S"
                      variant="tertiary"
                      startIcon={<Cross />}
                      disabled={!rights.canUpdate}
                      onClick={() => setDeciding({ entry, decision: 'reject' })}
                      aria-label={t('staged.rejectLabel', { name: entry.userName ?? '' })}
                    >
                      {t('staged.reject')}
                    </Button>
                  </Flex>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {staged.data && staged.data.pagination.total > 0 && (
        <Pager label={t('staged.pager')} page={page} pageSize={pageSize} total={staged.data.pagination.total} onPage={setPage} onPageSize={(size) => { setPageSize(size); setPage(1); }} />
      )}
      <ConfirmAction
        open={deciding !== null}
        onOpenChange={(open) => !open && setDeciding(null)}
        title={t(deciding?.decision === 'reject' ? 'staged.rejectTitle' : 'staged.approveTitle')}
        body={confirmBody(t, deciding)}
        confirmLabel={t(deciding?.decision === 'reject' ? 'staged.reject' : 'staged.approve')}
        onConfirm={() => void decide()}
      />
    </Section>
  );
}

/** The whole sentence per kind (an ICU select in the message), never a kind's label lower-cased into it. */
const confirmBody = (t: Translate, deciding: { entry: Staged; decision: 'approve' | 'reject' } | null) => {
  if (!deciding) return '';
  const values = { name: deciding.entry.userName ?? `#${deciding.entry.identityId}`, kind: deciding.entry.kind };
  return t(deciding.decision === 'approve' ? 'staged.approveBody' : 'staged.rejectBody', values);
};
