/**
 * Settings → Identity bridge → Provisioning log: every SCIM write and refused request, SSO sign-in and admin
 * decision, newest first, one page at a time from the server; filters (outcome, type, operation, token, SSO
 * connection, time, name search), a detail dialog with the changed attributes, and a CSV export with the same
 * filters. Operations, types and methods are shown by their translated labels (the CSV keeps the logged codes).
 */
import * as React from 'react';
import { useIntl } from 'react-intl';
import { Box, Button, Flex, Grid, IconButton, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowClockwise, Download, Eye } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { PLUGIN_ID } from '../pluginId';
import { apiErrorMessage, type ConnectionView } from '../utils/model';
import { OPERATIONS, RESOURCE_TYPES } from '../utils/log-vocabulary';
import { DetailDialog, GridCell, LoadState, Section, ToneBadge, useLoad, useT, type MessageKey } from '../components/ui';
import { LoadedSelectFilter } from '../components/loaded-filters';
import { useLogLabels } from '../components/log-labels';
import { settingsPage, SettingsLayout, type SettingsRights } from '../components/settings-page';
import { Chip, DateTimeCell, DateTimeFilter, Pager, queryString, SearchFilter, SelectFilter, useDebounced } from '../components/list-controls';

const API = `/${PLUGIN_ID}`;

export interface LogEvent {
  id: number;
  directoryId: number | null;
  tokenId: number | null;
  tokenName: string | null;
  method: string;
  resourceType: string | null;
  resourceId: string | null;
  resourceName: string | null;
  operation: string;
  outcome: 'success' | 'failure' | 'staged';
  status: number;
  scimType: string | null;
  changed: string[] | null;
  detail: string | null;
  createdAt: string;
}

interface Filters {
  outcome: string;
  resourceType: string;
  operation: string;
  tokenId: string;
  connectionId: string;
  since: string;
  until: string;
  search: string;
}
/** How many tokens the Token filter offers (the API's largest page). */
const TOKEN_CHOICES = 200;
const NO_FILTERS: Filters = { outcome: '', resourceType: '', operation: '', tokenId: '', connectionId: '', since: '', until: '', search: '' };

/** The filters as the API's query (datetime-local values are local times: sent as ISO instants). */
const filterQuery = (filters: Filters) => ({
  outcome: filters.outcome,
  resourceType: filters.resourceType,
  operation: filters.operation,
  tokenId: filters.tokenId,
  connectionId: filters.connectionId,
  since: filters.since ? new Date(filters.since).toISOString() : '',
  until: filters.until ? new Date(filters.until).toISOString() : '',
  search: filters.search.trim(),
});

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const t = useT();
  const tone = outcome === 'success' ? 'success' : outcome === 'failure' ? 'danger' : 'warning';
  return <ToneBadge tone={tone}>{t(`log.outcome.${outcome}` as MessageKey)}</ToneBadge>;
}

export default settingsPage(ProvisioningLog);

function ProvisioningLog(rights: SettingsRights) {
  const t = useT();
  const { get } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatDate } = useIntl();
  const labels = useLogLabels();
  const [filters, setFilters] = React.useState<Filters>(NO_FILTERS);
  const [page, setPage] = React.useState(1);
  const [pageSize, setPageSize] = React.useState(25);
  const [open, setOpen] = React.useState<LogEvent | null>(null);
  const [exporting, setExporting] = React.useState(false);
  const search = useDebounced(filters.search);
  const query = filterQuery({ ...filters, search });
  const queryKey = JSON.stringify(query);

  // The token choices: the newest ones, one page of the token list (a site rotating tokens for years has many).
  const tokens = useLoad(
    async () => (await get<{ data: Array<{ id: number; name: string; revokedAt: string | null }>; pagination: { total: number } }>(`${API}/tokens?pageSize=${TOKEN_CHOICES}`)).data,
    []
  );
  const connections = useLoad(async () => (await get<{ data: ConnectionView[] }>(`${API}/sso/connections`)).data.data, []);
  const events = useLoad(
    async () => (await get<{ results: LogEvent[]; pagination: { total: number } }>(`${API}/events${queryString({ ...query, page, pageSize })}`)).data,
    [queryKey, page, pageSize]
  );

  const setFilter = (key: keyof Filters) => (value: string) => {
    setFilters((previous) => ({ ...previous, [key]: value }));
    setPage(1);
  };
  /** The props every filter box shares: its name (the filter's key), its value, and how it changes. */
  const filterOf = (key: keyof Filters) => ({ name: key, value: filters[key], onChange: setFilter(key) });

  async function exportCsv() {
    setExporting(true);
    try {
      const reply = (await get(`${API}/events/export.csv${queryString(query)}`, { responseType: 'blob' })) as { data: Blob; headers?: Headers };
      const url = URL.createObjectURL(reply.data);
      const link = document.createElement('a');
      link.href = url;
      link.download = `provisioning-log-${new Date().toISOString().slice(0, 10)}.csv`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      const truncated = reply.headers?.get('X-Export-Truncated') === 'true';
      toggleNotification(
        truncated
          ? { type: 'warning', message: t('log.export.truncated', { limit: reply.headers?.get('X-Export-Limit') ?? '', total: reply.headers?.get('X-Export-Total') ?? '' }) }
          : { type: 'success', message: t('log.export.done') }
      );
    } catch (error) {
      toggleNotification({ type: 'danger', message: apiErrorMessage(error) });
    } finally {
      setExporting(false);
    }
  }

  const when = (value: string) => formatDate(value, { dateStyle: 'medium', timeStyle: 'medium' });
  const total = events.data?.pagination.total ?? 0;
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  return (
    <SettingsLayout
      title={t('log.title')}
      subtitle={t('log.subtitle')}
      rights={rights}
      primaryAction={
        <Button startIcon={<Download />} variant="secondary" onClick={() => void exportCsv()} loading={exporting} disabled={exporting}>
          {t('log.export')}
        </Button>
      }
    >
      <Section
        title={t('log.filters.title')}
        id="ib-log-filters"
        actions={
          filtered ? (
            <Button variant="tertiary" size="S" onClick={() => { setFilters(NO_FILTERS); setPage(1); }}>
              {t('log.filters.clear')}
            </Button>
          ) : undefined
        }
      >
        <Grid.Root gap={4}>
          <GridCell col={4}>
            <SearchFilter {...filterOf('search')} label={t('log.filters.search')} hint={t('log.filters.searchHint')} />
          </GridCell>
          <GridCell col={2} s={6}>
            <SelectFilter
              {...filterOf('outcome')}
              label={t('log.filters.outcome')}
              options={['success', 'failure', 'staged'].map((value) => ({ value, label: t(`log.outcome.${value}` as MessageKey) }))}
            />
          </GridCell>
          <GridCell col={2} s={6}>
            <SelectFilter {...filterOf('resourceType')} label={t('log.filters.resourceType')} options={RESOURCE_TYPES.map((value) => ({ value, label: labels.type(value) }))} />
          </GridCell>
          <GridCell col={4} s={6}>
            <SelectFilter {...filterOf('operation')} label={t('log.filters.operation')} options={OPERATIONS.map((value) => ({ value, label: labels.operation(value) }))} />
          </GridCell>
          <GridCell col={3} s={6}>
            <LoadedSelectFilter
              {...filterOf('tokenId')}
              label={t('log.filters.token')}
              options={(tokens.data?.data ?? []).map((token) => ({ value: String(token.id), label: token.revokedAt ? t('log.tokenRevoked', { name: token.name }) : token.name }))}
              state={tokens}
              {...(tokens.data && tokens.data.pagination.total > tokens.data.data.length
                ? { hint: t('log.filters.tokensNewest', { shown: tokens.data.data.length, total: tokens.data.pagination.total }) }
                : {})}
              errorText={(message) => t('log.filters.tokensError', { message })}
              retryLabel={t('log.filters.tokensRetry')}
            />
          </GridCell>
          <GridCell col={3} s={6}>
            <LoadedSelectFilter
              {...filterOf('connectionId')}
              label={t('log.filters.connection')}
              options={(connections.data ?? []).map((connection) => ({ value: connection.id, label: connection.name }))}
              state={connections}
              errorText={(message) => t('log.filters.connectionsError', { message })}
              retryLabel={t('log.filters.connectionsRetry')}
              emptyHint={t('log.filters.noConnections')}
            />
          </GridCell>
          <GridCell col={3} s={6}>
            <DateTimeFilter {...filterOf('since')} label={t('log.filters.since')} />
          </GridCell>
          <GridCell col={3} s={6}>
            <DateTimeFilter {...filterOf('until')} label={t('log.filters.until')} />
          </GridCell>
        </Grid.Root>
      </Section>

      <Section
        title={t('log.entries.title')}
        id="ib-log-entries"
        actions={
          <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={events.reload}>
            {t('common.refresh')}
          </Button>
        }
      >
        <LoadState loading={events.loading} error={events.error} what={t('log.entries.what')} onRetry={events.reload} />
        {events.data && events.data.results.length === 0 && (
          <Box padding={6} background="neutral100" hasRadius>
            <Typography textColor="neutral600" tag="p" textAlign="center" data-testid="log-empty">
              {filtered ? t('log.empty.filtered') : t('log.empty')}
            </Typography>
          </Box>
        )}
        {events.data && events.data.results.length > 0 && (
          <Box style={{ overflowX: 'auto' }}>
            <Table colCount={5} rowCount={events.data.results.length + 1} aria-label={t('log.entries.title')} data-testid="log-table">
              <Thead>
                <Tr>
                  {(['time', 'operationSource', 'subject', 'outcome'] as const).map((column) => (
                    <Th key={column}>
                      <Typography variant="sigma">{t(`log.column.${column}`)}</Typography>
                    </Th>
                  ))}
                  <Th>
                    <Typography variant="sigma">{t('log.column.actions')}</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {events.data.results.map((event) => (
                  <Tr key={event.id} data-testid={`log-row-${event.id}`}>
                    <Td>
                      <DateTimeCell value={event.createdAt} seconds />
                    </Td>
                    <Td>
                      <Typography variant="pi" tag="div" fontWeight="semiBold">
                        {labels.operation(event.operation)}
                      </Typography>
                      <Typography variant="pi" textColor="neutral600" tag="div">
                        {labels.method(event.method)} · {sourceOf(event, t)}
                      </Typography>
                    </Td>
                    <Td style={{ maxWidth: 200 }}>
                      <Typography variant="pi" fontWeight="semiBold" tag="div" ellipsis>
                        {event.resourceName ?? (event.outcome === 'failure' && event.detail ? event.detail : '—')}
                      </Typography>
                      {event.resourceType && (
                        <Typography variant="pi" textColor="neutral600" tag="div">
                          {labels.type(event.resourceType)}
                        </Typography>
                      )}
                    </Td>
                    <Td>
                      <Flex direction="column" alignItems="flex-start" gap={1}>
                        <OutcomeBadge outcome={event.outcome} />
                        <Typography variant="pi" textColor="neutral600">
                          {t('log.statusCode', { status: event.status })}
                        </Typography>
                      </Flex>
                    </Td>
                    <Td>
                      <IconButton
                        label={t('log.details', { operation: labels.operation(event.operation), name: event.resourceName ?? event.resourceId ?? '—' })}
                        variant="ghost"
                        onClick={() => setOpen(event)}
                      >
                        <Eye />
                      </IconButton>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          </Box>
        )}
        {events.data && total > 0 && (
          <Pager
            label={t('log.pager')}
            page={page}
            pageSize={pageSize}
            total={total}
            onPage={setPage}
            onPageSize={(size) => {
              setPageSize(size);
              setPage(1);
            }}
          />
        )}
      </Section>
      {open && <EventDetail event={open} onClose={() => setOpen(null)} when={when} />}
    </SettingsLayout>
  );
}

const sourceOf = (event: LogEvent, t: ReturnType<typeof useT>) =>
  event.tokenName
    ? event.tokenName
    : event.resourceType === 'SsoSignIn'
      ? t('log.source.connection', { id: event.resourceId ?? '?' })
      : event.method === 'ADMIN'
        ? t('log.source.admin')
        : event.method === 'REMAP'
          ? t('log.source.remap')
          : '—';

/** The whole entry: when, who, what, outcome, which attributes changed (names only), and the message. */
export function EventDetail({ event, onClose, when }: { event: LogEvent; onClose: () => void; when: (value: string) => string }) {
  const t = useT();
  const labels = useLogLabels();
  const rows: Array<[MessageKey, React.ReactNode]> = [
    ['log.column.time', when(event.createdAt)],
    ['log.column.source', sourceOf(event, t)],
    ['log.column.operation', labels.operation(event.operation)],
    ['log.detail.method', labels.method(event.method)],
    // The codes as the CSV export and the API carry them, to find the entry there.
    ['log.detail.operationCode', <code key="code">{`${event.method} ${event.operation}`}</code>],
    ['log.column.subject', event.resourceName ?? '—'],
    ['log.detail.resourceType', event.resourceType ? labels.type(event.resourceType) : '—'],
    ['log.detail.resourceId', event.resourceId ?? '—'],
    ['log.column.outcome', <OutcomeBadge key="outcome" outcome={event.outcome} />],
    ['log.column.status', event.scimType ? `${event.status} (${event.scimType})` : String(event.status)],
  ];
  return (
    <DetailDialog title={t('log.detail.title')} onClose={onClose}>
      <Flex direction="column" alignItems="stretch" gap={5} data-testid="log-detail">
        <Box tag="dl" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 16, rowGap: 8, margin: 0 }}>
          {rows.map(([key, value]) => (
            <React.Fragment key={key}>
              <Typography tag="dt" variant="omega" fontWeight="bold">
                {t(key)}
              </Typography>
              <Typography tag="dd" variant="omega" style={{ margin: 0, wordBreak: 'break-word' }}>
                {value}
              </Typography>
            </React.Fragment>
          ))}
        </Box>
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Typography variant="delta" tag="h3">
            {t('log.detail.changed')}
          </Typography>
          {event.changed && event.changed.length > 0 ? (
            <Flex gap={2} wrap="wrap" tag="ul" aria-label={t('log.detail.changed')} data-testid="log-changed" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {event.changed.map((name) => (
                <li key={name}>
                  <Chip>{name}</Chip>
                </li>
              ))}
            </Flex>
          ) : (
            <Typography textColor="neutral600">{t('log.detail.noChanges')}</Typography>
          )}
          <Typography variant="pi" textColor="neutral600">
            {t('log.detail.changedNote')}
          </Typography>
        </Flex>
        {event.detail && (
          <Flex direction="column" alignItems="stretch" gap={2}>
            <Typography variant="delta" tag="h3">
              {t('log.detail.message')}
            </Typography>
            <Box padding={3} background="neutral100" hasRadius>
              <Typography tag="p" style={{ fontFamily: 'monospace', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="log-message">
                {event.detail}
              </Typography>
            </Box>
          </Flex>
        )}
      </Flex>
    </DetailDialog>
  );
}
