/**
 * Settings → Identity bridge → Attribute mapping: the identity attributes the rules read (declared by name), the role
 * rules (source → roles), unmatched people and the default role, Media Library folders, content conditions; a preview
 * of who changes how before saving; save with the version the page loaded (409 when someone saved in between), then
 * the background re-mapping's progress; and "explain" for one person found by userName or email.
 *
 * Before anything is sent, fields the server would refuse as empty are said at the field (utils/mapping-model
 * `formProblems`); the server validates the rest, and its `details.errors` are placed on the field they name, or
 * under the part of the form they are about. Either way the field is marked invalid (`aria-invalid`, its message
 * linked by `aria-describedby`) and the first one is focused. Rules declared in the plugin configuration are shown
 * read-only, with why.
 */
import * as React from 'react';
import { useIntl } from 'react-intl';
import {
  Badge,
  Box,
  Button,
  Checkbox,
  Field,
  Flex,
  Grid,
  IconButton,
  MultiSelect,
  MultiSelectOption,
  Tag,
  Radio,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, Cross, Eye, Plus, Search, Trash } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { PLUGIN_ID } from '../pluginId';
import { apiErrorMessage, apiErrorStatus } from '../utils/model';
import {
  CONDITION_OPS,
  SOURCE_TYPES,
  changeParts,
  conditionMessage,
  emptyAttribute,
  emptyBinding,
  emptyCondition,
  fieldName,
  formOfMapping,
  formProblems,
  mappingPayload,
  newRule,
  placeErrors,
  remapStatus,
  roleNamer,
  roleTallies,
  suggestedScimPath,
  validationErrors,
  type AttributeForm,
  type BindingForm,
  type Condition,
  type ConditionForm,
  type MappingForm,
  type MappingPreview,
  type MappingView,
  type PlacedErrors,
  type RuleForm,
} from '../utils/mapping-model';
import { GridCell, LoadState, Notice, Section, ToneBadge, useLoad, useT, type MessageKey, type Translate } from '../components/ui';
import { settingsPage, SettingsLayout, type SettingsRights } from '../components/settings-page';
import { AddButton, nameOptions, OptionalNameSelect, patchAt, RemoveButton, removeAt, replaceAt, VISUALLY_HIDDEN, withCurrent } from '../components/form-parts';
import { focusFirstInvalid, SelectInvalidMark } from '../components/field-errors';

const API = `/${PLUGIN_ID}`;
/** How often the page asks how far re-mapping has got, while it runs. */
const PROGRESS_POLL_MS = 1500;

interface Options {
  roles: { code: string; name: string }[];
  contentTypes: { uid: string; displayName: string; fields: string[] }[];
  folders: string[];
  foldersTruncated: boolean;
}

interface Explanation {
  identityId: number;
  userName: string;
  rulesVersion: number;
  source: string;
  lastApplied: { roles: string[]; folders: string[]; active: boolean } | null;
  result: {
    roles: string[];
    active: boolean;
    folders: string[];
    notes: string[];
    rules: { ruleId: string; matched: boolean; granted: string[]; conditions: { condition: Condition; holds: boolean; values: string[] }[] }[];
  };
}

export default settingsPage(Mappings);

function Mappings(rights: SettingsRights) {
  const t = useT();
  const { get, post, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { canUpdate } = rights;

  const mapping = useLoad(async () => (await get<{ data: MappingView }>(`${API}/mapping`)).data.data, []);
  const options = useLoad(async () => (await get<{ data: Options }>(`${API}/mapping/options`)).data.data, []);

  const [form, setForm] = React.useState<MappingForm | null>(null);
  const [errors, setErrors] = React.useState<string[]>([]);
  const [preview, setPreview] = React.useState<{ data: MappingPreview; of: string } | null>(null);
  const [busy, setBusy] = React.useState<'preview' | 'save' | null>(null);
  /** Someone saved in between (409 with the version): the form must be reloaded before saving. */
  const [conflict, setConflict] = React.useState(false);
  /**
   * Whether fields left empty are said: from the first preview or save that found one (then as the form changes,
   * so a message goes as soon as its field is filled) until the next send.
   */
  const [checking, setChecking] = React.useState(false);
  /** Bumped when a preview or save is refused: the first field in error is focused once it has rendered. */
  const [refusals, setRefusals] = React.useState(0);
  const formRef = React.useRef<HTMLDivElement>(null);
  const noticesRef = React.useRef<HTMLDivElement>(null);

  // The form shows the rules in force when they load and after each save (a new version), not on progress polls.
  const loadedVersion = mapping.data ? `${mapping.data.source}:${mapping.data.version}` : null;
  React.useEffect(() => {
    if (!mapping.data) return;
    setForm(formOfMapping(mapping.data));
    setErrors([]);
    setConflict(false);
    setChecking(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loadedVersion]);

  // After the refusal has rendered (fields marked invalid): focus the first field in error, else show the notice.
  React.useEffect(() => {
    if (refusals === 0) return;
    if (!focusFirstInvalid(formRef.current)) noticesRef.current?.scrollIntoView({ block: 'center' });
  }, [refusals]);

  // While re-mapping runs, ask again.
  const pending = mapping.data?.progress.pending ?? 0;
  React.useEffect(() => {
    if (pending === 0) return;
    const timer = setTimeout(mapping.reload, PROGRESS_POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, mapping.data, mapping.reload]);

  const readOnly = Boolean(mapping.data?.readOnly);
  const editable = canUpdate && !readOnly;
  const payloadText = form ? JSON.stringify(mappingPayload(form)) : '';
  const savedText = React.useMemo(() => (mapping.data ? JSON.stringify(mappingPayload(formOfMapping(mapping.data))) : ''), [loadedVersion]); // eslint-disable-line react-hooks/exhaustive-deps
  const unsaved = form !== null && payloadText !== savedText;
  const placed = form ? placeErrors(errors, form) : null;
  const problems = form && checking ? formProblems(form) : [];
  /** What to fix at one field: what was left empty, else what the server said about it. */
  const fieldError = (name: string): string | undefined => {
    const problem = problems.find((entry) => entry.field === name);
    if (problem) return t(problem.key);
    const messages = placed?.fields[name];
    return messages && messages.length > 0 ? messages.join(' ') : undefined;
  };

  const update = (change: (draft: MappingForm) => MappingForm) => setForm((previous) => (previous ? change(previous) : previous));

  /** False (and the fields said, the first focused) when a field the server requires is empty: nothing is sent. */
  function readyToSend(current: MappingForm): boolean {
    const found = formProblems(current);
    setChecking(found.length > 0);
    if (found.length === 0) return true;
    setErrors([]);
    setConflict(false);
    setRefusals((count) => count + 1);
    return false;
  }

  function refused(messages: string[]) {
    setErrors(messages);
    setRefusals((count) => count + 1);
  }

  async function runPreview() {
    if (!form || !readyToSend(form)) return;
    setBusy('preview');
    try {
      const reply = await post<{ data: MappingPreview }>(`${API}/mapping/preview`, mappingPayload(form));
      setPreview({ data: reply.data.data, of: payloadText });
      setErrors([]);
      document.getElementById('ib-mapping-preview')?.scrollIntoView({ block: 'start' });
    } catch (error) {
      refused(validationErrors(error));
      setPreview(null);
    } finally {
      setBusy(null);
    }
  }

  async function save() {
    if (!form || !mapping.data || !readyToSend(form)) return;
    setBusy('save');
    try {
      const reply = await put<{ data: MappingView }>(`${API}/mapping`, { ...mappingPayload(form), expectedVersion: mapping.data.version });
      setErrors([]);
      setPreview(null);
      toggleNotification({ type: 'success', message: t('mapping.saved', { version: reply.data.data.version }) });
      mapping.reload();
    } catch (error) {
      const stale = apiErrorStatus(error) === 409 && !readOnly;
      setConflict(stale);
      refused(stale ? [apiErrorMessage(error)] : validationErrors(error));
    } finally {
      setBusy(null);
    }
  }

  const roles = options.data?.roles ?? [];
  const roleName = roleNamer(roles);

  return (
    <SettingsLayout
      title={t('mapping.title')}
      subtitle={t('mapping.subtitle')}
      primaryAction={
        form ? (
          <Flex gap={2} alignItems="center">
            <Button variant="secondary" startIcon={<Eye />} onClick={() => void runPreview()} loading={busy === 'preview'} disabled={busy !== null}>
              {t('mapping.preview')}
            </Button>
            {editable && unsaved && (
              <Flex paddingRight={2}>
                <Typography variant="pi" textColor="warning700" data-testid="mapping-unsaved">
                  {t('mapping.unsaved')}
                </Typography>
              </Flex>
            )}
            {editable && (
              <Button onClick={() => void save()} loading={busy === 'save'} disabled={busy !== null}>
                {t('mapping.save')}
              </Button>
            )}
          </Flex>
        ) : undefined
      }
      rights={rights}
    >
      <LoadState
        loading={mapping.loading || options.loading}
        error={mapping.error ?? options.error}
        what={t('mapping.what')}
        onRetry={() => {
          mapping.reload();
          options.reload();
        }}
      />
      {mapping.data && <StatusSection mapping={mapping.data} onRefresh={mapping.reload} />}
      {(problems.length > 0 || errors.length > 0) && (
        <Flex ref={noticesRef} direction="column" alignItems="stretch" gap={6}>
          {problems.length > 0 && (
            <Notice variant="danger" testId="mapping-problems">
              {t('mapping.check.notSent', { count: problems.length })}
            </Notice>
          )}
          {errors.length > 0 && (
            <Notice
              variant="danger"
              title={t(conflict ? 'mapping.conflict' : 'mapping.fixErrors')}
              testId="mapping-errors"
              action={
                conflict ? (
                  <Button variant="secondary" startIcon={<ArrowClockwise />} onClick={mapping.reload}>
                    {t('mapping.loadCurrent')}
                  </Button>
                ) : undefined
              }
            >
              <ul style={{ paddingLeft: 16, listStyle: 'disc', margin: 0 }}>
                {errors.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            </Notice>
          )}
        </Flex>
      )}
      {form && preview && <PreviewSection preview={preview.data} stale={preview.of !== payloadText} roleName={roleName} />}
      {form && options.data && placed && (
        <Flex ref={formRef} direction="column" alignItems="stretch" gap={6}>
          <AttributesSection form={form} update={update} disabled={!editable} errors={placed} fieldError={fieldError} />
          <RulesSection form={form} update={update} disabled={!editable} errors={placed} fieldError={fieldError} roles={roles} />
          <PolicySection form={form} update={update} disabled={!editable} errors={placed} fieldError={fieldError} options={options.data} />
          <ContentSection form={form} update={update} disabled={!editable} errors={placed} fieldError={fieldError} options={options.data} />
        </Flex>
      )}
      {mapping.data && <ExplainSection roleName={roleName} />}
    </SettingsLayout>
  );
}

/** The names of the declared attributes (the ones a rule, a folder grant or a content condition can read). */
const attributeKeys = (attributes: AttributeForm[]) => attributes.map((attribute) => attribute.key.trim()).filter(Boolean);

type Update = (change: (draft: MappingForm) => MappingForm) => void;
/** What to fix at the field of that name (`fieldName`), if anything: goes to its `Field.Root`'s `error`. */
type FieldError = (name: string) => string | undefined;
interface PartProps {
  form: MappingForm;
  update: Update;
  disabled: boolean;
  errors: PlacedErrors;
  fieldError: FieldError;
}

/** Server messages about one part of the form, right under it. */
function Messages({ messages, testId }: { messages: string[] | undefined; testId?: string }) {
  if (!messages || messages.length === 0) return null;
  return (
    <Box data-testid={testId}>
      {messages.map((message) => (
        <Typography key={message} tag="p" variant="pi" textColor="danger600">
          {message}
        </Typography>
      ))}
    </Box>
  );
}

function StatusSection({ mapping, onRefresh }: { mapping: MappingView; onRefresh: () => void }) {
  const t = useT();
  const status = remapStatus(mapping.progress);
  const sourceKey = `mapping.source.${mapping.source}` as MessageKey;
  return (
    <Section
      title={t('mapping.status.title')}
      id="ib-mapping-status"
      actions={
        <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={onRefresh}>
          {t('common.refresh')}
        </Button>
      }
    >
      <Flex gap={2} wrap="wrap" data-testid="mapping-status">
        <Badge>{t(sourceKey)}</Badge>
        <Badge data-testid="mapping-version">{t('mapping.status.version', { version: mapping.version })}</Badge>
        {mapping.readOnly && (
          <ToneBadge tone="warning">
            {t('connections.readOnly')}
          </ToneBadge>
        )}
      </Flex>
      <Typography textColor="neutral600">{t(mapping.managesRoles ? 'mapping.status.manages' : 'mapping.status.notManaging')}</Typography>
      {mapping.readOnly && <Notice variant="warning">{t('mapping.readOnlyNote')}</Notice>}
      {(mapping.source === 'database' || !status.done) && (
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Typography variant="omega" fontWeight="bold" id="ib-remap-label">
            {t('mapping.status.remap')}
          </Typography>
          <Flex gap={3} alignItems="center">
            <Box
              background="neutral150"
              hasRadius
              role="progressbar"
              aria-labelledby="ib-remap-label"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={status.percent}
              style={{ width: 240, height: 8, overflow: 'hidden' }}
            >
              <Box background={status.done ? 'success500' : 'primary600'} style={{ width: `${status.percent}%`, height: '100%' }} />
            </Box>
            <Typography data-testid="mapping-progress" role="status">
              {status.done
                ? t('mapping.status.remapDone', { total: mapping.progress.total })
                : t('mapping.status.remapRunning', { done: mapping.progress.total - mapping.progress.pending, total: mapping.progress.total })}
            </Typography>
          </Flex>
        </Flex>
      )}
    </Section>
  );
}

function AttributesSection({ form, update, disabled, errors, fieldError }: PartProps) {
  const t = useT();
  const set = (index: number, change: Partial<AttributeForm>) =>
    update((draft) => ({ ...draft, attributes: patchAt(draft.attributes, index, change) }));
  return (
    <Section
      title={t('mapping.attributes.title')}
      id="ib-mapping-attributes"
      actions={
        <AddButton hidden={disabled} onClick={() => update((draft) => ({ ...draft, attributes: [...draft.attributes, emptyAttribute()] }))}>
          {t('mapping.attributes.add')}
        </AddButton>
      }
    >
      <Typography textColor="neutral600">{t('mapping.attributes.intro')}</Typography>
      <Messages messages={errors.attributeList} testId="attributes-list-errors" />
      {form.attributes.length === 0 && <Typography textColor="neutral600">{t('mapping.attributes.empty')}</Typography>}
      {form.attributes.map((attribute, index) => {
        const label = attribute.key.trim() || t('mapping.attributes.numbered', { n: index + 1 });
        return (
          <Box key={index} tag="fieldset" padding={4} hasRadius borderColor="neutral200" style={{ margin: 0 }} data-testid={`attribute-${index}`}>
            <legend className="sr-only" style={VISUALLY_HIDDEN}>
              {t('mapping.attributes.legend', { name: label })}
            </legend>
            <Grid.Root gap={4}>
              <GridCell col={4}>
                <Field.Root name={fieldName.attribute(index, 'key')} required hint={t('mapping.attributes.keyHint')} error={fieldError(fieldName.attribute(index, 'key'))}>
                  <Field.Label>{t('mapping.attributes.key')}</Field.Label>
                  <Field.Input
                    value={attribute.key}
                    disabled={disabled}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => set(index, { key: event.target.value })}
                    onBlur={() => !attribute.scimPath.trim() && set(index, { scimPath: suggestedScimPath(attribute.key, attribute.multiValued) })}
                  />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </GridCell>
              <GridCell col={8}>
                <Field.Root name={fieldName.attribute(index, 'claim')} hint={t('mapping.attributes.claimHint')} error={fieldError(fieldName.attribute(index, 'claim'))}>
                  <Field.Label>{t('mapping.attributes.claim')}</Field.Label>
                  <Field.Input value={attribute.claim} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLInputElement>) => set(index, { claim: event.target.value })} />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </GridCell>
              <GridCell col={12}>
                <Field.Root name={fieldName.attribute(index, 'scimPath')} required hint={t('mapping.attributes.scimPathHint')} error={fieldError(fieldName.attribute(index, 'scimPath'))}>
                  <Field.Label>{t('mapping.attributes.scimPath')}</Field.Label>
                  <Field.Input
                    value={attribute.scimPath}
                    disabled={disabled}
                    style={{ fontFamily: 'monospace' }}
                    placeholder={t('mapping.attributes.scimPathPlaceholder')}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => set(index, { scimPath: event.target.value })}
                  />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </GridCell>
              <GridCell col={6}>
                <Field.Root name={fieldName.attribute(index, 'allowed')} hint={t('mapping.attributes.allowedHint')} error={fieldError(fieldName.attribute(index, 'allowed'))}>
                  <Field.Label>{t('mapping.attributes.allowed')}</Field.Label>
                  <Field.Input
                    value={attribute.allowedValues}
                    disabled={disabled}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => set(index, { allowedValues: event.target.value })}
                  />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </GridCell>
              <GridCell col={6}>
                <Flex justifyContent="space-between" alignItems="center" gap={4} paddingTop={5}>
                  <Checkbox
                    checked={attribute.multiValued}
                    disabled={disabled}
                    onCheckedChange={(checked: boolean | 'indeterminate') => set(index, { multiValued: checked === true })}
                  >
                    {t('mapping.attributes.multiValued')}
                  </Checkbox>
                  {!disabled && (
                    <RemoveButton
                      label={t('mapping.attributes.removeLabel', { name: label })}
                      onClick={() => update((draft) => ({ ...draft, attributes: removeAt(draft.attributes, index) }))}
                    />
                  )}
                </Flex>
              </GridCell>
            </Grid.Root>
            <Messages messages={errors.attributes[index]} testId={`attribute-${index}-errors`} />
          </Box>
        );
      })}
    </Section>
  );
}

function RulesSection({ form, update, disabled, errors, fieldError, roles }: PartProps & { roles: Options['roles'] }) {
  const t = useT();
  const setRule = (index: number, rule: RuleForm) => update((draft) => ({ ...draft, rules: replaceAt(draft.rules, index, rule) }));
  return (
    <Section
      title={t('mapping.rules.title')}
      id="ib-mapping-rules"
      actions={
        <AddButton hidden={disabled} onClick={() => update((draft) => ({ ...draft, rules: [...draft.rules, newRule(draft.rules)] }))}>
          {t('mapping.rules.add')}
        </AddButton>
      }
    >
      <Typography textColor="neutral600">{t('mapping.rules.intro')}</Typography>
      <Messages messages={errors.ruleList} testId="rules-list-errors" />
      {form.rules.length === 0 && (
        <Box padding={4} hasRadius background="neutral100">
          <Typography textColor="neutral600">{t('mapping.rules.empty')}</Typography>
        </Box>
      )}
      {form.rules.map((rule, index) => (
        <RuleCard
          key={index}
          index={index}
          rule={rule}
          attributes={form.attributes}
          roles={roles}
          disabled={disabled}
          errors={errors.rules[index]}
          fieldError={fieldError}
          onChange={(next) => setRule(index, next)}
          onRemove={() => update((draft) => ({ ...draft, rules: removeAt(draft.rules, index) }))}
          t={t}
        />
      ))}
    </Section>
  );
}

function RuleCard({
  index,
  rule,
  attributes,
  roles,
  disabled,
  errors,
  fieldError,
  onChange,
  onRemove,
  t,
}: {
  index: number;
  rule: RuleForm;
  attributes: AttributeForm[];
  roles: Options['roles'];
  disabled: boolean;
  errors: string[] | undefined;
  fieldError: FieldError;
  onChange: (rule: RuleForm) => void;
  onRemove: () => void;
  t: Translate;
}) {
  const headingId = `ib-rule-${index}`;
  const name = rule.id.trim() || t('mapping.rules.numbered', { n: index + 1 });
  const setCondition = (position: number, change: Partial<ConditionForm>) =>
    onChange({ ...rule, conditions: patchAt(rule.conditions, position, change) });
  // Roles the rule names that Strapi does not list (e.g. deleted since) stay visible, so they can be removed.
  const roleChoices = [...roles, ...rule.roles.filter((code) => !roles.some((role) => role.code === code)).map((code) => ({ code, name: code }))];
  const ruleField = (field: 'id' | 'description' | 'roles') => fieldName.rule(index, field);
  const conditionField = (position: number, field: 'source' | 'groupBy' | 'attribute' | 'op' | 'value') => fieldName.condition(index, position, field);
  const inError =
    Boolean(errors) ||
    (['id', 'description', 'roles'] as const).some((field) => fieldError(ruleField(field))) ||
    rule.conditions.some((_, position) => (['source', 'groupBy', 'attribute', 'op', 'value'] as const).some((field) => fieldError(conditionField(position, field))));
  return (
    <Box tag="article" aria-labelledby={headingId} padding={5} hasRadius borderColor={inError ? 'danger600' : 'neutral200'} data-testid={`rule-${index}`}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="center" gap={4}>
          <Typography variant="epsilon" fontWeight="bold" tag="h3" id={headingId}>
            {t('mapping.rules.heading', { name })}
          </Typography>
          {!disabled && (
            <RemoveButton label={t('mapping.rules.removeLabel', { name })} onClick={onRemove} />
          )}
        </Flex>
        <Grid.Root gap={4}>
          <GridCell col={4}>
            <Field.Root name={ruleField('id')} required hint={t('mapping.rules.idHint')} error={fieldError(ruleField('id'))}>
              <Field.Label>{t('mapping.rules.id')}</Field.Label>
              <Field.Input value={rule.id} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange({ ...rule, id: event.target.value })} />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </GridCell>
          <GridCell col={8}>
            <Field.Root name={ruleField('description')} error={fieldError(ruleField('description'))}>
              <Field.Label>{t('mapping.rules.description')}</Field.Label>
              <Field.Input value={rule.description} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange({ ...rule, description: event.target.value })} />
              <Field.Error />
            </Field.Root>
          </GridCell>
        </Grid.Root>
        <Typography variant="sigma" textColor="neutral600" tag="h4">
          {t('mapping.rules.when')}
        </Typography>
        {rule.conditions.length === 0 && <Typography textColor="neutral600">{t('mapping.rules.always')}</Typography>}
        {rule.conditions.map((condition, position) => {
          const prefix = `rule-${index}-condition-${position}`;
          const conditionName = t('mapping.rules.conditionName', { n: position + 1, rule: name });
          return (
            <Box key={position} tag="fieldset" padding={3} hasRadius background="neutral100" style={{ margin: 0, border: 0 }} data-testid={prefix}>
              <legend style={VISUALLY_HIDDEN}>{conditionName}</legend>
              {/* Top-aligned: a message under one field must not push the others' inputs out of line. */}
              <Flex gap={3} alignItems="flex-start" wrap="wrap">
                <Box minWidth="170px" maxWidth="220px">
                  <Field.Root name={conditionField(position, 'source')} error={fieldError(conditionField(position, 'source'))}>
                    <Field.Label>{t('mapping.condition.source')}</Field.Label>
                    <SingleSelect value={condition.source} disabled={disabled} onChange={(value: string | number) => setCondition(position, { source: String(value) as ConditionForm['source'] })}>
                      {SOURCE_TYPES.map((source) => (
                        <SingleSelectOption key={source} value={source}>
                          {t(`mapping.source.type.${source}` as MessageKey)}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                    <Field.Error />
                    <SelectInvalidMark />
                  </Field.Root>
                </Box>
                {condition.source === 'group' && (
                  <Box minWidth="160px" maxWidth="220px">
                    <Field.Root name={conditionField(position, 'groupBy')} error={fieldError(conditionField(position, 'groupBy'))}>
                      <Field.Label>{t('mapping.condition.groupBy')}</Field.Label>
                      <SingleSelect
                        value={condition.groupBy}
                        disabled={disabled}
                        onChange={(value: string | number) => setCondition(position, { groupBy: value === 'externalId' ? 'externalId' : 'displayName' })}
                      >
                        <SingleSelectOption value="displayName">{t('mapping.condition.groupByName')}</SingleSelectOption>
                        <SingleSelectOption value="externalId">{t('mapping.condition.groupById')}</SingleSelectOption>
                      </SingleSelect>
                      <Field.Error />
                      <SelectInvalidMark />
                    </Field.Root>
                  </Box>
                )}
                {condition.source === 'attribute' && (
                  <Box minWidth="160px" maxWidth="220px">
                    <Field.Root name={conditionField(position, 'attribute')} error={fieldError(conditionField(position, 'attribute'))}>
                      <Field.Label>{t('mapping.condition.attribute')}</Field.Label>
                      <SingleSelect
                        value={condition.attribute || undefined}
                        placeholder={t('mapping.condition.attributePlaceholder')}
                        disabled={disabled}
                        onChange={(value: string | number) => setCondition(position, { attribute: String(value) })}
                      >
                        {nameOptions(withCurrent(attributeKeys(attributes), condition.attribute))}
                      </SingleSelect>
                      <Field.Error />
                      <SelectInvalidMark />
                    </Field.Root>
                  </Box>
                )}
                <Box minWidth="130px" maxWidth="200px">
                  <Field.Root name={conditionField(position, 'op')} error={fieldError(conditionField(position, 'op'))}>
                    <Field.Label>{t('mapping.condition.op')}</Field.Label>
                    <SingleSelect value={condition.op} disabled={disabled} onChange={(value: string | number) => setCondition(position, { op: String(value) as ConditionForm['op'] })}>
                      {CONDITION_OPS.map((op) => (
                        <SingleSelectOption key={op} value={op}>
                          {t(`mapping.condition.op.${op}` as MessageKey)}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                    <Field.Error />
                    <SelectInvalidMark />
                  </Field.Root>
                </Box>
                {condition.op !== 'present' && (
                  <Box flex="1" minWidth="160px">
                    <Field.Root name={conditionField(position, 'value')} error={fieldError(conditionField(position, 'value'))}>
                      <Field.Label>{t(condition.op === 'oneOf' ? 'mapping.condition.values' : 'mapping.condition.value')}</Field.Label>
                      <Field.Input
                        value={condition.value}
                        disabled={disabled}
                        placeholder={condition.source === 'group' || condition.source === 'userType' ? t(`mapping.condition.placeholder.${condition.source}`) : undefined}
                        onChange={(event: React.ChangeEvent<HTMLInputElement>) => setCondition(position, { value: event.target.value })}
                      />
                      <Field.Error />
                    </Field.Root>
                  </Box>
                )}
                {!disabled && (
                  <Box paddingTop={6}>
                    <IconButton
                      label={t('mapping.rules.removeCondition', { name: conditionName })}
                      variant="ghost"
                      onClick={() => onChange({ ...rule, conditions: removeAt(rule.conditions, position) })}
                    >
                      <Trash />
                    </IconButton>
                  </Box>
                )}
              </Flex>
            </Box>
          );
        })}
        {!disabled && (
          <Box>
            <Button
              variant="tertiary"
              size="S"
              startIcon={<Plus />}
              onClick={() => onChange({ ...rule, conditions: [...rule.conditions, emptyCondition()] })}
              aria-label={t('mapping.rules.addConditionLabel', { name })}
            >
              {t('mapping.rules.addCondition')}
            </Button>
          </Box>
        )}
        <Field.Root name={ruleField('roles')} required hint={t('mapping.rules.rolesHint')} error={fieldError(ruleField('roles'))}>
          <Field.Label>{t('mapping.rules.roles')}</Field.Label>
          {/* The chosen roles show as our own tags: the design system's `withTags` gives their remove buttons no name. */}
          <MultiSelect
            value={rule.roles}
            disabled={disabled}
            placeholder={t('mapping.rules.rolesPlaceholder')}
            customizeContent={(codes?: string[]) => t('mapping.rules.rolesChosen', { count: codes?.length ?? 0 })}
            onChange={(value: string[]) => onChange({ ...rule, roles: value })}
          >
            {roleChoices.map((role) => (
              <MultiSelectOption key={role.code} value={role.code}>
                {role.name}
              </MultiSelectOption>
            ))}
          </MultiSelect>
          <Field.Hint />
          <Field.Error />
          <SelectInvalidMark />
        </Field.Root>
        {rule.roles.length > 0 && (
          <Flex gap={2} wrap="wrap" tag="ul" aria-label={t('mapping.rules.rolesChosenLabel', { name })} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {rule.roles.map((code) => {
              const roleName = roleChoices.find((role) => role.code === code)?.name ?? code;
              return (
                <li key={code}>
                  <Tag
                    icon={<Cross aria-hidden />}
                    label={t('mapping.rules.removeRole', { role: roleName, name })}
                    disabled={disabled}
                    onClick={() => onChange({ ...rule, roles: rule.roles.filter((chosen) => chosen !== code) })}
                  >
                    {roleName}
                  </Tag>
                </li>
              );
            })}
          </Flex>
        )}
        <Messages messages={errors} testId={`rule-${index}-errors`} />
      </Flex>
    </Box>
  );
}

function PolicySection({ form, update, disabled, errors, fieldError, options }: PartProps & { options: Options }) {
  const t = useT();
  const list = useList();
  return (
    <Section title={t('mapping.policy.title')} id="ib-mapping-policy">
      <Field.Root name="unmatched">
        <Field.Label id="ib-unmatched-label">{t('mapping.policy.unmatched')}</Field.Label>
        <Radio.Group
          value={form.unmatched}
          disabled={disabled}
          aria-labelledby="ib-unmatched-label"
          onValueChange={(value: string) => update((draft) => ({ ...draft, unmatched: value === 'deactivate' ? 'deactivate' : 'defaultRole' }))}
        >
          <Radio.Item value="defaultRole">{t('mapping.policy.defaultRoleOption')}</Radio.Item>
          <Radio.Item value="deactivate">{t('mapping.policy.deactivateOption')}</Radio.Item>
        </Radio.Group>
      </Field.Root>
      {form.unmatched === 'defaultRole' && (
        <Box maxWidth="400px">
          <Field.Root name={fieldName.defaultRole} required hint={t('mapping.policy.defaultRoleHint')} error={fieldError(fieldName.defaultRole)}>
            <Field.Label>{t('mapping.policy.defaultRole')}</Field.Label>
            <SingleSelect
              value={form.defaultRole || undefined}
              placeholder={t('mapping.policy.defaultRolePlaceholder')}
              disabled={disabled}
              onChange={(value: string | number) => update((draft) => ({ ...draft, defaultRole: String(value) }))}
            >
              {[...options.roles, ...(form.defaultRole && !options.roles.some((role) => role.code === form.defaultRole) ? [{ code: form.defaultRole, name: form.defaultRole }] : [])].map((role) => (
                <SingleSelectOption key={role.code} value={role.code}>
                  {role.name}
                </SingleSelectOption>
              ))}
            </SingleSelect>
            <Field.Hint />
            <Field.Error />
            <SelectInvalidMark />
          </Field.Root>
        </Box>
      )}
      <Field.Root name="allowSuperAdmin" hint={t('mapping.policy.allowSuperAdminHint')}>
        <Checkbox checked={form.allowSuperAdmin} disabled={disabled} onCheckedChange={(checked: boolean | 'indeterminate') => update((draft) => ({ ...draft, allowSuperAdmin: checked === true }))}>
          {t('mapping.policy.allowSuperAdmin')}
        </Checkbox>
        <Field.Hint />
      </Field.Root>
      <Box maxWidth="400px">
        <Field.Root name={fieldName.foldersAttribute} hint={t('mapping.policy.foldersAttributeHint')} error={fieldError(fieldName.foldersAttribute)}>
          <Field.Label>{t('mapping.policy.foldersAttribute')}</Field.Label>
          <OptionalNameSelect
            value={form.foldersAttribute}
            names={attributeKeys(form.attributes)}
            noneLabel={t('common.none')}
            disabled={disabled}
            onChange={(value) => update((draft) => ({ ...draft, foldersAttribute: value }))}
          />
          <Field.Hint />
          <Field.Error />
          <SelectInvalidMark />
        </Field.Root>
      </Box>
      <Field.Root name="createMissingFolders" hint={t('mapping.policy.createMissingFoldersHint')}>
        <Checkbox
          checked={form.createMissingFolders}
          disabled={disabled}
          onCheckedChange={(checked: boolean | 'indeterminate') => update((draft) => ({ ...draft, createMissingFolders: checked === true }))}
        >
          {t('mapping.policy.createMissingFolders')}
        </Checkbox>
        <Field.Hint />
      </Field.Root>
      <Box>
        <Typography variant="omega" fontWeight="bold" tag="p">
          {t('mapping.policy.knownFolders')}
        </Typography>
        <Typography variant="pi" textColor="neutral600" tag="p" data-testid="known-folders">
          {options.folders.length === 0 ? t('mapping.policy.noFolders') : list(options.folders)}
        </Typography>
        {options.foldersTruncated && (
          <Typography variant="pi" textColor="neutral600" tag="p">
            {t('mapping.policy.foldersTruncated')}
          </Typography>
        )}
      </Box>
      <Messages messages={errors.policy} testId="policy-errors" />
    </Section>
  );
}

function ContentSection({ form, update, disabled, errors, fieldError, options }: PartProps & { options: Options }) {
  const t = useT();
  const keys = attributeKeys(form.attributes);
  const set = (index: number, change: Partial<BindingForm>) =>
    update((draft) => ({ ...draft, content: patchAt(draft.content, index, change) }));
  return (
    <Section
      title={t('mapping.content.title')}
      id="ib-mapping-content"
      actions={
        <AddButton hidden={disabled} onClick={() => update((draft) => ({ ...draft, content: [...draft.content, emptyBinding()] }))}>
          {t('mapping.content.add')}
        </AddButton>
      }
    >
      <Typography textColor="neutral600">{t('mapping.content.intro')}</Typography>
      {form.content.length === 0 && <Typography textColor="neutral600">{t('mapping.content.empty')}</Typography>}
      {form.content.map((binding, index) => {
        const fields = options.contentTypes.find((type) => type.uid === binding.uid)?.fields ?? [];
        return (
          <Box key={index} padding={3} hasRadius background="neutral100" data-testid={`binding-${index}`}>
            {/* Top-aligned: a message under one field must not push the others' inputs out of line. */}
            <Flex gap={3} alignItems="flex-start" wrap="wrap">
              <Box flex="1" minWidth="220px">
                <Field.Root name={fieldName.binding(index, 'uid')} error={fieldError(fieldName.binding(index, 'uid'))}>
                  <Field.Label>{t('mapping.content.contentType')}</Field.Label>
                  <SingleSelect value={binding.uid || undefined} placeholder={t('mapping.content.pick')} disabled={disabled} onChange={(value: string | number) => set(index, { uid: String(value), field: '' })}>
                    {options.contentTypes.map((type) => (
                      <SingleSelectOption key={type.uid} value={type.uid}>
                        {type.displayName}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                  <Field.Error />
                  <SelectInvalidMark />
                </Field.Root>
              </Box>
              <Box flex="1" minWidth="180px">
                <Field.Root name={fieldName.binding(index, 'field')} error={fieldError(fieldName.binding(index, 'field'))}>
                  <Field.Label>{t('mapping.content.field')}</Field.Label>
                  <SingleSelect value={binding.field || undefined} placeholder={t('mapping.content.pick')} disabled={disabled || !binding.uid} onChange={(value: string | number) => set(index, { field: String(value) })}>
                    {nameOptions(withCurrent(fields, binding.field))}
                  </SingleSelect>
                  <Field.Error />
                  <SelectInvalidMark />
                </Field.Root>
              </Box>
              <Box flex="1" minWidth="180px">
                <Field.Root name={fieldName.binding(index, 'attribute')} error={fieldError(fieldName.binding(index, 'attribute'))}>
                  <Field.Label>{t('mapping.content.attribute')}</Field.Label>
                  <SingleSelect value={binding.attribute || undefined} placeholder={t('mapping.content.pick')} disabled={disabled} onChange={(value: string | number) => set(index, { attribute: String(value) })}>
                    {nameOptions(withCurrent(keys, binding.attribute))}
                  </SingleSelect>
                  <Field.Error />
                  <SelectInvalidMark />
                </Field.Root>
              </Box>
              {!disabled && (
                <Box paddingTop={6}>
                  <IconButton label={t('mapping.content.removeLabel', { n: index + 1 })} variant="ghost" onClick={() => update((draft) => ({ ...draft, content: removeAt(draft.content, index) }))}>
                    <Trash />
                  </IconButton>
                </Box>
              )}
            </Flex>
            <Messages messages={errors.content[index]} testId={`binding-${index}-errors`} />
          </Box>
        );
      })}
    </Section>
  );
}

/** Names as one list in the reader's language ("a, b, c" in English), not joined by a comma in code. */
function useList(): (items: string[]) => string {
  const { formatList } = useIntl();
  return (items) => formatList(items, { type: 'unit', style: 'short' });
}

/** A condition as one translated sentence (`group = "Sales and Marketing"`), from utils/mapping-model's message. */
function useConditionText(): (condition: Condition) => string {
  const t = useT();
  const list = useList();
  return (condition) => {
    const { key, values, ...rest } = conditionMessage(condition);
    return t(key, { ...rest, values: list(values.map((value) => t('mapping.condition.text.listed', { value }))) });
  };
}

/** A small label that keeps the case of what it shows (Badge upper-cases, and folder names are case-sensitive). */
function Pill({ color, children }: { color: string; children: React.ReactNode }) {
  return (
    <Box tag="span" paddingLeft={2} paddingRight={2} paddingTop={1} paddingBottom={1} hasRadius background={`${color}100`} borderColor={`${color}200`}>
      <Typography variant="pi" fontWeight="bold" textColor={`${color}700`}>
        {children}
      </Typography>
    </Box>
  );
}

function PreviewSection({ preview, stale, roleName }: { preview: MappingPreview; stale: boolean; roleName: (code: string) => string }) {
  const t = useT();
  const part = (entry: ReturnType<typeof changeParts>[number]) => {
    switch (entry.kind) {
      case 'roleAdded':
        return { text: t('mapping.change.roleAdded', { role: roleName(entry.value) }), color: 'success' };
      case 'roleRemoved':
        return { text: t('mapping.change.roleRemoved', { role: roleName(entry.value) }), color: 'danger' };
      case 'folderAdded':
        return { text: t('mapping.change.folderAdded', { folder: entry.value }), color: 'success' };
      case 'folderRemoved':
        return { text: t('mapping.change.folderRemoved', { folder: entry.value }), color: 'danger' };
      case 'deactivated':
        return { text: t('mapping.change.deactivated'), color: 'danger' };
      default:
        return { text: t('mapping.change.reactivated'), color: 'success' };
    }
  };
  const tallies = [
    ...roleTallies(preview.rolesAdded).map((entry) => t('mapping.preview.gain', { count: entry.count, role: roleName(entry.role) })),
    ...roleTallies(preview.rolesRemoved).map((entry) => t('mapping.preview.lose', { count: entry.count, role: roleName(entry.role) })),
  ];
  return (
    <Section title={t('mapping.preview.title')} id="ib-mapping-preview">
      {stale && <Notice variant="warning">{t('mapping.preview.stale')}</Notice>}
      <Typography data-testid="preview-summary" fontWeight="bold">
        {t('mapping.preview.summary', { changed: preview.changed, total: preview.total, deactivated: preview.deactivated, reactivated: preview.reactivated })}
      </Typography>
      {tallies.length > 0 && (
        <ul style={{ paddingLeft: 16, listStyle: 'disc', margin: 0 }} data-testid="preview-tallies">
          {tallies.map((line) => (
            <li key={line}>
              <Typography>{line}</Typography>
            </li>
          ))}
        </ul>
      )}
      {preview.changes.length === 0 ? (
        <Typography textColor="neutral600">{t('mapping.preview.nobody')}</Typography>
      ) : (
        <Table colCount={2} rowCount={preview.changes.length + 1} aria-label={t('mapping.preview.tableLabel')}>
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">{t('mapping.preview.person')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('mapping.preview.change')}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {preview.changes.map((entry) => (
              <Tr key={entry.identityId} data-testid={`preview-${entry.userName}`}>
                <Td>
                  <Typography fontWeight="bold">{entry.userName}</Typography>
                </Td>
                <Td style={{ whiteSpace: 'normal' }}>
                  <Flex gap={2} wrap="wrap">
                    {changeParts(entry.change).map((item) => {
                      const shown = part(item);
                      return (
                        <Pill key={shown.text} color={shown.color}>
                          {shown.text}
                        </Pill>
                      );
                    })}
                  </Flex>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {preview.truncated && <Typography textColor="neutral600">{t('mapping.preview.truncated', { shown: preview.changes.length })}</Typography>}
    </Section>
  );
}

function ExplainSection({ roleName }: { roleName: (code: string) => string }) {
  const t = useT();
  const list = useList();
  const conditionText = useConditionText();
  const { get } = useFetchClient();
  const [user, setUser] = React.useState('');
  const [touched, setTouched] = React.useState(false);
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const [explanation, setExplanation] = React.useState<Explanation | null>(null);
  const missing = touched && user.trim() === '';

  async function explain() {
    setTouched(true);
    if (user.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      const reply = await get<{ data: Explanation }>(`${API}/mapping/explain?user=${encodeURIComponent(user.trim())}`);
      setExplanation(reply.data.data);
    } catch (caught) {
      setExplanation(null);
      setError(apiErrorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const result = explanation?.result;
  return (
    <Section title={t('mapping.explain.title')} id="ib-mapping-explain">
      <Typography textColor="neutral600">{t('mapping.explain.intro')}</Typography>
      <form
        noValidate
        role="search"
        aria-label={t('mapping.explain.title')}
        onSubmit={(event) => {
          event.preventDefault();
          void explain();
        }}
      >
        <Flex gap={2} alignItems="flex-start">
          <Box flex="1" maxWidth="480px">
            <Field.Root name="explainUser" error={missing ? t('mapping.explain.required') : undefined}>
              <Field.Label>{t('mapping.explain.user')}</Field.Label>
              <Field.Input value={user} placeholder={t('mapping.explain.userPlaceholder')} onChange={(event: React.ChangeEvent<HTMLInputElement>) => setUser(event.target.value)} />
              <Field.Error />
            </Field.Root>
          </Box>
          <Box paddingTop={6}>
            <Button type="submit" startIcon={<Search />} loading={busy}>
              {t('mapping.explain.go')}
            </Button>
          </Box>
        </Flex>
      </form>
      {error && (
        <Notice variant="danger" testId="explain-error">
          {error}
        </Notice>
      )}
      {explanation && result && (
        <Flex direction="column" alignItems="stretch" gap={3} data-testid="explanation">
          <Typography variant="delta" tag="h3">
            {t('mapping.explain.heading', { user: explanation.userName, version: explanation.rulesVersion })}
          </Typography>
          <Flex gap={2} wrap="wrap" alignItems="center">
            <Typography fontWeight="bold">{t('mapping.explain.roles')}</Typography>
            {result.roles.length === 0 ? <Typography>{t('common.none')}</Typography> : result.roles.map((role) => <Badge key={role}>{roleName(role)}</Badge>)}
            {result.active ? (
              <ToneBadge tone="success">
                {t('mapping.explain.active')}
              </ToneBadge>
            ) : (
              <ToneBadge tone="danger">
                {t('mapping.explain.inactive')}
              </ToneBadge>
            )}
          </Flex>
          <Typography>
            {t('mapping.explain.folders', { folders: result.folders.length > 0 ? list(result.folders) : t('common.none') })}
          </Typography>
          {explanation.lastApplied && (
            <Typography textColor="neutral600">
              {t('mapping.explain.lastApplied', { roles: explanation.lastApplied.roles.length > 0 ? list(explanation.lastApplied.roles.map(roleName)) : t('common.none') })}
            </Typography>
          )}
          {result.rules.length > 0 && (
            <Table colCount={3} rowCount={result.rules.length + 1} aria-label={t('mapping.explain.tableLabel', { user: explanation.userName })}>
              <Thead>
                <Tr>
                  <Th>
                    <Typography variant="sigma">{t('mapping.explain.rule')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('mapping.explain.conditions')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('mapping.explain.granted')}</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {result.rules.map((rule) => (
                  <Tr key={rule.ruleId} data-testid={`explain-rule-${rule.ruleId}`}>
                    <Td>
                      <Flex gap={2}>
                        <Typography fontWeight="bold">{rule.ruleId}</Typography>
                        {rule.matched ? (
                          <ToneBadge tone="success">
                            {t('mapping.explain.matched')}
                          </ToneBadge>
                        ) : (
                          <Badge>{t('mapping.explain.notMatched')}</Badge>
                        )}
                      </Flex>
                    </Td>
                    <Td style={{ whiteSpace: 'normal' }}>
                      {rule.conditions.length === 0 ? (
                        <Typography variant="pi">{t('mapping.rules.always')}</Typography>
                      ) : (
                        rule.conditions.map((trace, position) => (
                          <Typography key={position} tag="p" variant="pi" textColor={trace.holds ? 'success700' : 'neutral700'}>
                            {t('mapping.explain.trace', {
                              holds: String(trace.holds),
                              condition: conditionText(trace.condition),
                              values: trace.values.length > 0 ? list(trace.values) : t('common.none'),
                            })}
                          </Typography>
                        ))
                      )}
                    </Td>
                    <Td>
                      <Typography>{rule.granted.length > 0 ? list(rule.granted.map(roleName)) : t('common.none')}</Typography>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
          {result.notes.length > 0 && (
            <ul style={{ paddingLeft: 16, listStyle: 'disc', margin: 0 }}>
              {result.notes.map((note) => (
                <li key={note}>
                  <Typography textColor="neutral700">{note}</Typography>
                </li>
              ))}
            </ul>
          )}
        </Flex>
      )}
    </Section>
  );
}
