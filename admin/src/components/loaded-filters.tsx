/**
 * Pieces of the list pages whose content comes from a second request: a filter whose choices are loaded
 * (tokens, directories, SSO connections), and a short list of chips that fits a table cell. A failed load
 * says so, with a Retry, rather than leaving a select silently empty.
 */
import * as React from 'react';
import { Box, Button, Flex, VisuallyHidden } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { apiErrorMessage } from '../utils/model';
import { SelectFilter, Chip } from './list-controls';
import { useT } from './ui';

/** What `useLoad` returns, as far as a filter needs it. */
export interface LoadedOptions {
  loading: boolean;
  error?: unknown;
  reload: () => void;
}

/**
 * A select filter over loaded choices: disabled while they load; when the load failed, disabled with the
 * reason as its hint and a Retry button; when there are none, disabled with `emptyHint` (if given).
 */
export function LoadedSelectFilter({
  name,
  label,
  value,
  onChange,
  options,
  state,
  errorText,
  retryLabel,
  emptyHint,
  disabledHint,
  hint: noteHint,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<{ value: string; label: string }>;
  state: LoadedOptions;
  /** The hint when loading failed, from the server's message. */
  errorText: (message: string) => string;
  /** The Retry button's accessible name ("Retry loading the tokens"). */
  retryLabel: string;
  emptyHint?: string;
  /** Set when the filter does not apply at all (e.g. to SSO sign-ins): disabled, with this reason. */
  disabledHint?: string;
  /** A note under a usable filter (e.g. that it offers only the newest choices). */
  hint?: string;
}) {
  const t = useT();
  const failed = state.error !== undefined && state.error !== null;
  const hint = disabledHint ?? (failed ? errorText(apiErrorMessage(state.error)) : state.loading ? t('log.filters.loadingOptions') : options.length === 0 ? emptyHint : noteHint);
  const disabled = disabledHint !== undefined || failed || state.loading || (options.length === 0 && emptyHint !== undefined);
  return (
    <Flex direction="column" alignItems="stretch" gap={1} data-testid={`filter-${name}`}>
      <SelectFilter name={name} label={label} value={value} onChange={onChange} options={options} disabled={disabled} {...(hint ? { hint } : {})} />
      {failed && disabledHint === undefined && (
        <Box>
          <Button variant="tertiary" size="S" startIcon={<ArrowClockwise />} onClick={state.reload} aria-label={retryLabel}>
            {t('common.retry')}
          </Button>
        </Box>
      )}
    </Flex>
  );
}

/**
 * Values as chips, at most `max` of them, then "+N" for the rest (their names read out by screen readers and
 * shown on hover): keeps a table row one or two lines high whatever the count. `empty` when there are none.
 */
export function ChipList({ values, max = 2, empty, testId }: { values: string[]; max?: number; empty: React.ReactNode; testId?: string }) {
  const t = useT();
  if (values.length === 0) return <>{empty}</>;
  const shown = values.length > max + 1 ? values.slice(0, max) : values;
  const rest = values.slice(shown.length);
  return (
    <Flex gap={1} wrap="wrap" data-testid={testId}>
      {shown.map((value) => (
        <Chip key={value}>{value}</Chip>
      ))}
      {rest.length > 0 && (
        <span title={rest.join(', ')}>
          <Chip>
            <span aria-hidden>{t('identities.more', { count: rest.length })}</span>
            <VisuallyHidden>{t('identities.moreLabel', { count: rest.length, names: rest.join(', ') })}</VisuallyHidden>
          </Chip>
        </span>
      )}
    </Flex>
  );
}
