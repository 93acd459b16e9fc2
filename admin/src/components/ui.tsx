/** Small building blocks shared by the settings pages: translations, copyable values, sections, load states, dialogs. */
import * as React from 'react';
import { useIntl } from 'react-intl';
import { Badge, Box, Button, Dialog, Field, Flex, Grid, Loader, Modal, Typography } from '@strapi/design-system';
import { Duplicate, WarningCircle } from '@strapi/icons';
import { useClipboard, useNotification } from '@strapi/strapi/admin';
import { PLUGIN_ID } from '../pluginId';
import en from '../translations/en.json';
import { apiErrorMessage } from '../utils/model';

export type MessageKey = keyof typeof en;
export type Translate = (key: MessageKey, values?: Record<string, React.ReactNode>) => string;

/** `t('key', values)`: the plugin's messages (ids prefixed by the plugin id), English as the default. */
export function useT(): Translate {
  const { formatMessage } = useIntl();
  return React.useCallback(
    (key, values) => formatMessage({ id: `${PLUGIN_ID}.${key}`, defaultMessage: en[key] }, values as Record<string, string>) as string,
    [formatMessage]
  );
}

/** Copies `value` and says so (or asks to copy by hand when the browser refuses). */
export function useCopy() {
  const { copy } = useClipboard();
  const { toggleNotification } = useNotification();
  const t = useT();
  return React.useCallback(
    async (value: string) => {
      const copied = await copy(value).catch(() => false);
      toggleNotification(copied ? { type: 'success', message: t('common.copied') } : { type: 'warning', message: t('common.copyFailed') });
    },
    [copy, toggleNotification, t]
  );
}

/**
 * A read-only value with its label and a copy button (the input is selectable too). `copyLabel` names the button
 * where several fields share a label on one page (each connection's "Sign-in URL"); "Copy {label}" otherwise.
 */
export function CopyField({
  label,
  value,
  hint,
  name,
  monospace = true,
  copyLabel,
}: {
  label: string;
  value: string;
  hint?: string;
  name: string;
  monospace?: boolean;
  copyLabel?: string;
}) {
  const t = useT();
  const copy = useCopy();
  return (
    <Field.Root name={name} hint={hint} width="100%">
      <Field.Label>{label}</Field.Label>
      <Flex gap={2} alignItems="stretch">
        <Box flex="1">
          <Field.Input
            readOnly
            value={value}
            data-testid={`value-${name}`}
            onFocus={(event: React.FocusEvent<HTMLInputElement>) => event.currentTarget.select()}
            style={monospace ? { fontFamily: 'monospace' } : undefined}
          />
        </Box>
        <Button variant="secondary" startIcon={<Duplicate />} onClick={() => void copy(value)} aria-label={copyLabel ?? t('common.copyLabel', { label })}>
          {t('common.copy')}
        </Button>
      </Flex>
      <Field.Hint />
    </Field.Root>
  );
}

/** A white box with a heading, as Strapi's settings pages lay out their sections. */
export function Section({ title, id, actions, children }: { title: string; id: string; actions?: React.ReactNode; children: React.ReactNode }) {
  return (
    <Box tag="section" aria-labelledby={id} background="neutral0" hasRadius shadow="filterShadow" paddingTop={6} paddingBottom={6} paddingLeft={7} paddingRight={7}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="center" gap={4} wrap="wrap">
          <Typography variant="delta" tag="h2" id={id}>
            {title}
          </Typography>
          {actions}
        </Flex>
        {children}
      </Flex>
    </Box>
  );
}

/** The colour of a state: success (green), danger (red), warning (orange), neutral (grey). */
export type Tone = 'success' | 'danger' | 'warning' | 'neutral';

/**
 * A badge in the colours of a state (the same shades on every page). Warning text is dark, not warning700:
 * orange on pale yellow is 4.0:1 at the badge's 11 px, below WCAG AA's 4.5:1; the background still says "warning".
 */
export function ToneBadge({ tone, children }: { tone: Tone; children: React.ReactNode }) {
  const textColor = tone === 'neutral' ? 'neutral700' : tone === 'warning' ? 'neutral800' : `${tone}700`;
  return (
    <Badge backgroundColor={tone === 'neutral' ? 'neutral150' : `${tone}100`} textColor={textColor}>
      {children}
    </Badge>
  );
}

/** One cell of a form or filter grid: `col` of the 12 columns on wide screens, `s` on small ones; content stretched. */
export function GridCell({ col, s = 12, children }: { col: number; s?: number; children: React.ReactNode }) {
  return (
    <Grid.Item col={col} s={s} direction="column" alignItems="stretch">
      {children}
    </Grid.Item>
  );
}

/** Loading / error states of one block of a page (the rest of the page stays usable). */
export function LoadState({ loading, error, what, onRetry }: { loading: boolean; error: unknown; what: string; onRetry: () => void }) {
  const t = useT();
  if (loading) {
    return (
      <Flex justifyContent="center" padding={4}>
        <Loader small>{t('common.loading')}</Loader>
      </Flex>
    );
  }
  if (error) {
    return (
      <Notice
        variant="danger"
        action={
          <Button variant="tertiary" size="S" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        }
      >
        {t('common.loadError', { what, message: messageOf(error) })}
      </Notice>
    );
  }
  return null;
}

const messageOf = (error: unknown) => {
  const message = (error as { response?: { data?: { error?: { message?: unknown } } } })?.response?.data?.error?.message;
  return typeof message === 'string' ? message : error instanceof Error ? error.message : String(error);
};

/** Data loaded from the admin API, with loading/error state and a reload. */
export function useLoad<T>(load: () => Promise<T>, deps: React.DependencyList) {
  const [state, setState] = React.useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = React.useState(0);
  React.useEffect(() => {
    let live = true;
    setState((previous) => ({ ...previous, loading: previous.data === undefined, error: undefined }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false })
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = React.useCallback(() => setTick((value) => value + 1), []);
  return { ...state, reload };
}

/** A confirmation (alert dialog) for a destructive action; the confirm button says what it does. */
export function ConfirmAction({
  open,
  onOpenChange,
  title,
  body,
  confirmLabel,
  onConfirm,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
}) {
  const t = useT();
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Content>
        <Dialog.Header>{title}</Dialog.Header>
        <Dialog.Body icon={<WarningCircle fill="danger600" />}>{body}</Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button fullWidth variant="tertiary">
              {t('common.cancel')}
            </Button>
          </Dialog.Cancel>
          <Dialog.Action>
            <Button fullWidth variant="danger-light" onClick={onConfirm}>
              {confirmLabel}
            </Button>
          </Dialog.Action>
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
}

const NOTICE_COLORS = {
  danger: { background: 'danger100', border: 'danger200', title: 'danger700' },
  warning: { background: 'warning100', border: 'warning200', title: 'warning700' },
  info: { background: 'primary100', border: 'primary200', title: 'primary700' },
} as const;

/** A dialog that only shows something (an entry, a person, a group's members): a title, the body, and Close. */
export function DetailDialog({
  title,
  onClose,
  style,
  children,
}: {
  title: React.ReactNode;
  onClose: () => void;
  /** Style of the dialog box (e.g. a wider one for a table). */
  style?: React.CSSProperties;
  children: React.ReactNode;
}) {
  const t = useT();
  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content style={style}>
        <Modal.Header closeLabel={t('common.close')}>
          <Modal.Title>{title}</Modal.Title>
        </Modal.Header>
        <Modal.Body>{children}</Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('common.close')}</Button>
          </Modal.Close>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
}

/**
 * A message box that stays (no close button that would do nothing): errors are announced (`role="alert"`),
 * other notices are plain text. `action`: e.g. a Retry button.
 */
export function Notice({
  variant,
  title,
  action,
  children,
  testId,
}: {
  variant: keyof typeof NOTICE_COLORS;
  title?: string;
  action?: React.ReactNode;
  children: React.ReactNode;
  testId?: string;
}) {
  const colors = NOTICE_COLORS[variant];
  return (
    <Box
      background={colors.background}
      borderColor={colors.border}
      hasRadius
      paddingTop={4}
      paddingBottom={4}
      paddingLeft={5}
      paddingRight={5}
      role={variant === 'danger' ? 'alert' : undefined}
      data-testid={testId}
    >
      <Flex justifyContent="space-between" alignItems="flex-start" gap={4}>
        <Flex direction="column" alignItems="stretch" gap={1}>
          {title && (
            <Typography fontWeight="bold" textColor={colors.title}>
              {title}
            </Typography>
          )}
          <Typography textColor="neutral800" tag="div">
            {children}
          </Typography>
        </Flex>
        {action}
      </Flex>
    </Box>
  );
}

/**
 * Runs an admin API call and says how it went: a success notice with `success`, or the server's own message.
 * Never throws, so the caller can refresh what the call changed either way.
 */
export function useNotifiedCall() {
  const { toggleNotification } = useNotification();
  return async (call: () => Promise<unknown>, success: string): Promise<void> => {
    try {
      await call();
      toggleNotification({ type: 'success', message: success });
    } catch (error) {
      toggleNotification({ type: 'danger', message: apiErrorMessage(error) });
    }
  };
}

/**
 * The state of a name + description form (directories, tokens): the name is required (its message shows once
 * the person tried to submit), `save` gets the trimmed values; a refusal is kept in `error` for the form.
 */
export function useNameDescriptionForm(requiredMessage: string, save: (name: string, description: string | null) => Promise<void>) {
  const [name, setName] = React.useState('');
  const [description, setDescription] = React.useState('');
  const [touched, setTouched] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
  const nameError = touched && !name.trim() ? requiredMessage : undefined;

  async function submit() {
    setTouched(true);
    if (!name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await save(name.trim(), description.trim() || null);
    } catch (caught) {
      setError(apiErrorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return { name, setName, description, setDescription, nameError, error, busy, submit };
}
