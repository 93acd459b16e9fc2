/** Building blocks of the paged, filtered tables (Provisioning log, Identities): filters, pager, query strings. */
import * as React from 'react';
import { useIntl } from 'react-intl';
import { Box, Button, Field, Flex, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { ChevronLeft, ChevronRight, Search } from '@strapi/icons';
import { useT } from './ui';

/** `?a=1&b=x` from the set values (empty strings and undefined left out: the server treats them as "any"). */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** `value`, once it has stopped changing for `ms` (typing in a search box asks the server once, not per key). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = React.useState(value);
  React.useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export const ANY = '__any__';

/**
 * A labelled select whose first option is "Any" (value '' to the caller), unless `withAny` is false: then one of
 * `options` is always chosen. `disabled` with a `hint` says why a filter does not apply.
 */
export function SelectFilter({
  name,
  label,
  value,
  options,
  onChange,
  withAny = true,
  disabled = false,
  hint,
}: {
  name: string;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
  withAny?: boolean;
  disabled?: boolean;
  hint?: string;
}) {
  const t = useT();
  return (
    <Field.Root name={name} id={`ib-filter-${name}`} hint={hint}>
      <Field.Label>{label}</Field.Label>
      <SingleSelect value={value || ANY} onChange={(next: string | number) => onChange(next === ANY ? '' : String(next))} size="S" disabled={disabled}>
        {withAny && <SingleSelectOption value={ANY}>{t('list.any')}</SingleSelectOption>}
        {options.map((option) => (
          <SingleSelectOption key={option.value} value={option.value}>
            {option.label}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      {hint && <Field.Hint />}
    </Field.Root>
  );
}

/** A labelled search box. */
export function SearchFilter({ name, label, hint, value, onChange }: { name: string; label: string; hint?: string; value: string; onChange: (value: string) => void }) {
  return (
    <Field.Root name={name} id={`ib-filter-${name}`} hint={hint}>
      <Field.Label>{label}</Field.Label>
      <TextInput
        type="search"
        size="S"
        startAction={<Search aria-hidden />}
        value={value}
        onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
      />
      {hint && <Field.Hint />}
    </Field.Root>
  );
}

/** A labelled date-and-time box (the browser's local time, as `YYYY-MM-DDTHH:mm`). */
export function DateTimeFilter({ name, label, value, onChange }: { name: string; label: string; value: string; onChange: (value: string) => void }) {
  return (
    <Field.Root name={name} id={`ib-filter-${name}`}>
      <Field.Label>{label}</Field.Label>
      <Field.Input type="datetime-local" size="S" value={value} onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value)} />
    </Field.Root>
  );
}

/** "Rows 26–50 of 120", previous / next, and the page size (when `onPageSize` is given); the server sends one page at a time. */
export function Pager({
  page,
  pageSize,
  total,
  onPage,
  onPageSize,
  label,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  onPageSize?: (size: number) => void;
  label: string;
}) {
  const t = useT();
  // One id per pager: a page may show several (a dialog's pager over the page's).
  const sizeFieldId = React.useId();
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <Flex tag="nav" aria-label={label} justifyContent="space-between" alignItems="center" gap={4} wrap="wrap" paddingTop={2}>
      {onPageSize ? (
        // A field of its own, so the select is named by its label (the design system wires them through Field.Root).
        <Field.Root name="pageSize" id={sizeFieldId}>
          <Flex gap={2} alignItems="center">
            <Field.Label>
              <Typography variant="pi" fontWeight="regular" textColor="neutral600">
                {t('list.pageSize')}
              </Typography>
            </Field.Label>
            <SingleSelect size="S" value={String(pageSize)} onChange={(value: string | number) => onPageSize(Number(value))}>
              {[10, 25, 50, 100].map((size) => (
                <SingleSelectOption key={size} value={String(size)}>
                  {String(size)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Flex>
        </Field.Root>
      ) : (
        <span />
      )}
      <Flex gap={3} alignItems="center">
        <Typography variant="pi" textColor="neutral600" aria-live="polite" data-testid="pager-range">
          {t('list.range', { from, to, total })}
        </Typography>
        <Button variant="tertiary" size="S" startIcon={<ChevronLeft />} disabled={page <= 1} onClick={() => onPage(page - 1)}>
          {t('list.previous')}
        </Button>
        <Typography variant="pi" textColor="neutral800">
          {t('list.pageOf', { page, pageCount })}
        </Typography>
        <Button variant="tertiary" size="S" endIcon={<ChevronRight />} disabled={page >= pageCount} onClick={() => onPage(page + 1)}>
          {t('list.next')}
        </Button>
      </Flex>
    </Flex>
  );
}

/**
 * A value shown as a small grey tag, as typed: role names, folder paths, attribute names. (The design system's
 * Badge upper-cases its text, which would turn the folder "Teams/ann" into "TEAMS/ANN".)
 */
export function Chip({ children }: { children: React.ReactNode }) {
  return (
    <Box tag="span" display="inline-block" background="neutral150" hasRadius paddingLeft={2} paddingRight={2} paddingTop="2px" paddingBottom="2px">
      <Typography variant="pi" textColor="neutral800" style={{ whiteSpace: 'nowrap' }}>
        {children}
      </Typography>
    </Box>
  );
}

/** A time stamp for a table cell: the date over the time (two short lines keep the columns narrow). */
export function DateTimeCell({ value, seconds = false }: { value: string | null | undefined; seconds?: boolean }) {
  const { formatDate, formatTime } = useIntl();
  const t = useT();
  if (!value) return <Typography variant="pi" textColor="neutral600">{t('common.never')}</Typography>;
  return (
    <>
      <Typography variant="pi" tag="div" style={{ whiteSpace: 'nowrap' }}>
        {formatDate(value, { dateStyle: 'medium' })}
      </Typography>
      <Typography variant="pi" tag="div" textColor="neutral600" style={{ whiteSpace: 'nowrap' }}>
        {formatTime(value, { timeStyle: seconds ? 'medium' : 'short' })}
      </Typography>
    </>
  );
}
