/**
 * Building blocks of the editable forms (Attribute mapping, Connections, Provisioning): "Add" buttons shown only
 * to those who may edit, lists of items changed in place, selects that keep a value no longer among their
 * choices, legends for screen readers only.
 */
import * as React from 'react';
import { Button, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useT } from './ui';

/** The list with the item at `index` replaced. */
export const replaceAt = <T,>(list: T[], index: number, value: T): T[] => list.map((item, position) => (position === index ? value : item));

/** The list with the item at `index` changed in the given fields only. */
export const patchAt = <T,>(list: T[], index: number, change: Partial<T>): T[] => replaceAt(list, index, { ...list[index]!, ...change });

/** The list without the item at `index`. */
export const removeAt = <T,>(list: T[], index: number): T[] => list.filter((_, position) => position !== index);

/**
 * The choices of a select, plus the current value when it is not among them: a value saved earlier (an attribute
 * since removed, a directory renamed) stays visible, so it can be seen and changed.
 */
export const withCurrent = (choices: readonly string[], current: string): string[] => [...new Set([...choices, ...(current ? [current] : [])])];

/** One option per name, shown as it is (a select's children). */
export const nameOptions = (names: readonly string[]) =>
  names.map((name) => (
    <SingleSelectOption key={name} value={name}>
      {name}
    </SingleSelectOption>
  ));

const NONE = '__none__';

/**
 * A select of names where "none" is a choice too (the value '' to the caller); a current value no longer among
 * the names stays listed. Goes inside a `Field.Root`, which labels it.
 */
export function OptionalNameSelect({
  value,
  names,
  noneLabel,
  disabled,
  onChange,
}: {
  value: string;
  names: readonly string[];
  noneLabel: string;
  disabled?: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <SingleSelect value={value || NONE} disabled={disabled} onChange={(next: string | number) => onChange(next === NONE ? '' : String(next))}>
      <SingleSelectOption value={NONE}>{noneLabel}</SingleSelectOption>
      {nameOptions(withCurrent(names, value))}
    </SingleSelect>
  );
}

/** Style of an element read by screen readers and not shown (a fieldset's legend when the fields say it already). */
export const VISUALLY_HIDDEN: React.CSSProperties = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' };

/** A section's "Add …" button; nothing when the form cannot be edited. */
export function AddButton({ hidden, onClick, children }: { hidden: boolean; onClick: () => void; children: React.ReactNode }) {
  if (hidden) return null;
  return (
    <Button variant="secondary" startIcon={<Plus />} onClick={onClick}>
      {children}
    </Button>
  );
}

/** The "Remove" button of one item of a list, named for screen readers by `label` (which item). */
export function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  const t = useT();
  return (
    <Button variant="danger-light" size="S" startIcon={<Trash />} onClick={onClick} aria-label={label}>
      {t('mapping.remove')}
    </Button>
  );
}
